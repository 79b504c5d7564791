// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore

/// Sums vectors contributed by several processes along one fixed tree. The MPI binding
/// (`MessagePassing.ProcessGroup.pairwiseSum`) is one; `SingleProcessReducer` is the local one.
public protocol GradientReducer: Sendable {
    /// This process's index, `0 ..< processCount`.
    var rank: Int { get }
    /// The number of processes that train together.
    var processCount: Int { get }
    /// The pairwise sum over leaves `0 ..< count` (a power of two) of every process's indexed
    /// contributions, returned on every process:
    ///
    ///     T(lo, hi) = v_lo if hi − lo = 1, else T(lo, mid) + T(mid, hi),  mid = (lo + hi)/2
    ///
    /// Process `r` of `P` contributes exactly the leaves `⌊r·count/P⌋ ..< ⌊(r+1)·count/P⌋`, each of `length` values.
    func pairwiseSum(_ contributions: [(index: Int, values: [Double])], count: Int, length: Int) throws -> [Double]
}

/// The reducer of one process training alone: the pairwise tree, computed locally.
public struct SingleProcessReducer: GradientReducer {
    public init() {}
    public var rank: Int { 0 }
    public var processCount: Int { 1 }
    public func pairwiseSum(_ contributions: [(index: Int, values: [Double])], count: Int, length: Int) throws -> [Double] {
        guard contributions.map(\.index) == Array(0..<count), contributions.allSatisfy({ $0.values.count == length }),
              count >= 1, count & (count - 1) == 0 else {
            throw TrainingError.invalidHyperparameter(
                name: "data-parallel blocks", reason: "expected leaves 0..<\(count) (a power of two) of \(length) values each")
        }
        var level = contributions.map(\.values)
        while level.count > 1 {
            var next: [[Double]] = []
            for i in stride(from: 0, to: level.count, by: 2) {
                var left: [Double] = []
                swap(&left, &level[i])  // take the buffer without copying it
                let right = level[i + 1]
                for j in left.indices { left[j] += right[j] }
                next.append(left)
            }
            level = next
        }
        return level[0]
    }
}

/// Data-parallel mini-batch gradients whose bits do not depend on the number of processes.
///
/// Each mini-batch of `n` samples is cut into `B` contiguous blocks (`B` a power of two),
/// block `k` holding samples `⌊k·n/B⌋ ..< ⌊(k+1)·n/B⌋` (`n_k` of them; empty when `n < B`).
/// Process `r` of `P` computes blocks `⌊r·B/P⌋ ..< ⌊(r+1)·B/P⌋` with the shared autodiff.
/// Since every loss is a batch mean, `L = (1/n) Σ_b ℓ_b = Σ_k (n_k/n) · L_k` with `L_k` the
/// block's mean, so
///
///     L = Σ_k w_k · L_k,    ∇L = Σ_k w_k · ∇L_k,    w_k = n_k / n   (an empty block contributes 0),
///
/// and the reducer adds the terms `w_k · ∇L_k` along one fixed pairwise tree over the `B`
/// blocks. The blocking, each block's arithmetic and the tree are the same for every `P`,
/// so the gradient, hence every optimiser step, is bit-identical for `P = 1, 2, 4, …` (it
/// differs from the unblocked single-batch gradient only by rounding, ~1e-16 relative per
/// step). The loss and the correct-prediction counts travel in the same vector (the counts
/// are integers, exact).
///
/// A model with buffers (batch norm's running averages, `ModelBuffers`) normalises each block by
/// that block's batch statistics, and its buffers after the batch are summed along the same tree.
///
/// Per-block counters (e.g. ODE function evaluations) are summed over this process's
/// blocks only; the counter `reduction_seconds` is the wall time of the batch's sum
/// (waiting for the slowest rank included), so the metrics show the reduction's share. An adaptive ODE solver picks its steps per block, so blocking changes
/// the solution within the tolerance, identically for every `P`.
public struct DataParallelism: Sendable {
    /// Sums the blocks' contributions in block order.
    public var reducer: any GradientReducer
    /// Blocks per mini-batch `B`, a power of two; `B ≥ P` keeps every process busy.
    public var blocksPerBatch: Int

    public init(reducer: any GradientReducer, blocksPerBatch: Int) throws {
        guard blocksPerBatch >= 1, blocksPerBatch & (blocksPerBatch - 1) == 0 else {
            throw TrainingError.invalidHyperparameter(name: "blocks per batch", reason: "must be a power of two; got \(blocksPerBatch)")
        }
        self.reducer = reducer
        self.blocksPerBatch = blocksPerBatch
    }

    /// The sample ranges of the `B` blocks of a batch of `n` samples (empty ones when `n < B`).
    public func blocks(ofBatchSize n: Int) -> [Range<Int>] {
        (0..<blocksPerBatch).map { k in (k * n / blocksPerBatch) ..< ((k + 1) * n / blocksPerBatch) }
    }

    /// The blocks process `rank` of `processCount` computes: `⌊r·B/P⌋ ..< ⌊(r+1)·B/P⌋`.
    public func blocks(ofRank rank: Int, processCount: Int) -> Range<Int> {
        (rank * blocksPerBatch / processCount) ..< ((rank + 1) * blocksPerBatch / processCount)
    }

    /// The loss, the summed gradient and the correct-prediction count of `batch`, the same on every process.
    /// With `buffers`, each block's forward pass starts from the batch's buffers and the buffers
    /// after the batch are their block-weighted sum (see `ModelBuffers`), summed with the gradients.
    func lossAndGradients(of loss: LossFunction, on batch: Samples,
                          at parameters: ParameterList, buffers: ModelBuffers? = nil) throws -> BatchGradient {
        let ranges = blocks(ofBatchSize: batch.count)
        let sizes = parameters.values.map(\.count)
        let start = try buffers?.read() ?? []
        let bufferSizes = start.map(\.count)
        let length = 3 + sizes.reduce(0, +) + bufferSizes.reduce(0, +)
        var contributions: [(index: Int, values: [Double])] = []
        var counters: [String: Double] = [:]
        for k in blocks(ofRank: reducer.rank, processCount: reducer.processCount) {
            guard !ranges[k].isEmpty else {
                contributions.append((index: k, values: [Double](repeating: 0, count: length)))
                continue
            }
            let block = try batch.slice(ranges[k])
            try buffers?.write(start)
            let result = try BatchGradient(loss: loss, batch: block, parameters: parameters)
            let weight = Double(block.count) / Double(batch.count)
            var values = [weight * result.value, Double(result.correct ?? 0), Double(result.correct == nil ? 0 : block.count)]
            values.reserveCapacity(length)
            for gradient in result.gradients {
                for g in gradient.scalars { values.append(weight * g) }
            }
            for buffer in try buffers?.read() ?? [] {
                for r in buffer.scalars { values.append(weight * r) }
            }
            contributions.append((index: k, values: values))
            for (name, value) in result.counters { counters[name, default: 0] += value }
        }
        let reductionStart = ContinuousClock.now
        let sum = try reducer.pairwiseSum(contributions, count: ranges.count, length: length)
        counters["reduction_seconds"] = Trainer.seconds(reductionStart.duration(to: .now))
        var offset = 3
        func tensors(shaped values: [Tensor]) throws -> [Tensor] {
            try values.map { value in
                defer { offset += value.count }
                return try Tensor(shape: value.shape, scalars: Array(sum[offset ..< offset + value.count]))
            }
        }
        let gradients = try tensors(shaped: parameters.values)
        if let buffers { try buffers.write(try tensors(shaped: start)) }
        return BatchGradient(value: sum[0], gradients: gradients, correct: sum[2] > 0 ? Int(sum[1]) : nil, counters: counters)
    }
}

/// One batch's loss, parameter gradients, correct predictions (`nil` without outputs or labels) and counters.
struct BatchGradient {
    var value: Double
    var gradients: [Tensor]
    var correct: Int?
    var counters: [String: Double]

    init(value: Double, gradients: [Tensor], correct: Int?, counters: [String: Double]) {
        (self.value, self.gradients, self.correct, self.counters) = (value, gradients, correct, counters)
    }

    /// Runs `loss` on a fresh tape. Nothing returned refers to the tape, so the parameters'
    /// storage is uniquely owned again when the optimiser updates it in place.
    init(loss: LossFunction, batch: Samples, parameters: ParameterList) throws {
        var outputs: Tensor? = nil
        var counters: (() -> [String: Double])? = nil
        let (value, gradients) = try valueWithGradient(at: parameters.values) { variables in
            let evaluation = try loss(batch, variables)
            outputs = evaluation.outputs?.value
            counters = evaluation.counters
            return evaluation.loss
        }
        let correct = try outputs.flatMap { batch.labels.isEmpty ? nil : try correctPredictionCount($0, labels: batch.labels) }
        self.init(value: value, gradients: gradients, correct: correct, counters: counters?() ?? [:])
    }
}
