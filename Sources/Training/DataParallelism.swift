// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Sums vectors contributed by several processes in a fixed order. The MPI binding
/// (`MessagePassing.ProcessGroup.orderedSum`) is one; `SingleProcessReducer` is the local one.
public protocol GradientReducer: Sendable {
    /// This process's index, `0 ..< processCount`.
    var rank: Int { get }
    /// The number of processes that train together.
    var processCount: Int { get }
    /// `Σ_i v_i` over the indexed contributions of every process, added in index order
    /// `0, 1, …, count − 1`, returned on every process. Each index is contributed once, each
    /// vector has `length` values.
    func orderedSum(_ contributions: [(index: Int, values: [Double])], count: Int, length: Int) throws -> [Double]
}

/// The reducer of one process training alone: the sum in index order, computed locally.
public struct SingleProcessReducer: GradientReducer {
    public init() {}
    public var rank: Int { 0 }
    public var processCount: Int { 1 }
    public func orderedSum(_ contributions: [(index: Int, values: [Double])], count: Int, length: Int) throws -> [Double] {
        let byIndex = Dictionary(contributions.map { ($0.index, $0.values) }, uniquingKeysWith: { first, _ in first })
        guard byIndex.count == count, contributions.count == count else {
            throw TrainingError.invalidHyperparameter(name: "data-parallel blocks",
                                                      reason: "\(contributions.count) contributions for \(count) blocks")
        }
        var sum = [Double](repeating: 0, count: length)
        for index in 0..<count {
            guard let values = byIndex[index], values.count == length else {
                throw TrainingError.invalidHyperparameter(name: "data-parallel blocks", reason: "block \(index) is missing or has the wrong length")
            }
            for j in 0..<length { sum[j] += values[j] }
        }
        return sum
    }
}

/// Data-parallel mini-batch gradients whose bits do not depend on the number of processes.
///
/// Each mini-batch of `n` samples is cut into `B' = min(blocksPerBatch, n)` contiguous
/// blocks, block `k` holding samples `⌊k·n/B'⌋ ..< ⌊(k+1)·n/B'⌋` (`n_k` of them). Process
/// `r` of `P` computes blocks `k ≡ r (mod P)` with the shared autodiff. Since every loss is
/// a batch mean, `L = (1/n) Σ_b ℓ_b = Σ_k (n_k/n) · L_k` with `L_k` the block's mean, so
///
///     L = Σ_k w_k · L_k,    ∇L = Σ_k w_k · ∇L_k,    w_k = n_k / n,
///
/// and the terms `w_k · ∇L_k` are added in block order `k = 0, 1, …` by the reducer. The
/// blocking, each block's arithmetic and the order of the sum are the same for every `P`,
/// so the gradient, hence every optimiser step, is bit-identical for `P = 1, 2, 4, …`
/// (it differs from the unblocked single-batch gradient only by rounding, ~1e-16 relative
/// per step). The correct-prediction counts travel in the same vector (integers, exact).
///
/// Per-block counters (e.g. ODE function evaluations) are summed over this process's
/// blocks only. An adaptive ODE solver picks its steps per block, so blocking changes
/// the solution within the tolerance, identically for every `P`.
public struct DataParallelism: Sendable {
    /// Sums the blocks' contributions in block order.
    public var reducer: any GradientReducer
    /// Blocks per mini-batch `B` (≥ 1); `B ≥ P` keeps every process busy.
    public var blocksPerBatch: Int

    public init(reducer: any GradientReducer, blocksPerBatch: Int) throws {
        guard blocksPerBatch >= 1 else {
            throw TrainingError.invalidHyperparameter(name: "blocks per batch", reason: "must be ≥ 1; got \(blocksPerBatch)")
        }
        self.reducer = reducer
        self.blocksPerBatch = blocksPerBatch
    }

    /// The sample ranges of the blocks of a batch of `n` samples.
    public func blocks(ofBatchSize n: Int) -> [Range<Int>] {
        let count = min(blocksPerBatch, n)
        return (0..<count).map { k in (k * n / count) ..< ((k + 1) * n / count) }
    }

    /// The loss, the summed gradient and the correct-prediction count of `batch`, the same on every process.
    func lossAndGradients(of loss: LossFunction, on batch: Samples,
                          at parameters: ParameterList) throws -> BatchGradient {
        let ranges = blocks(ofBatchSize: batch.count)
        let sizes = parameters.values.map(\.count)
        let length = 3 + sizes.reduce(0, +)
        var contributions: [(index: Int, values: [Double])] = []
        var counters: [String: Double] = [:]
        for k in stride(from: reducer.rank, to: ranges.count, by: reducer.processCount) {
            let block = try batch.slice(ranges[k])
            let result = try BatchGradient(loss: loss, batch: block, parameters: parameters)
            let weight = Double(block.count) / Double(batch.count)
            var values = [weight * result.value, Double(result.correct ?? 0), Double(result.correct == nil ? 0 : block.count)]
            values.reserveCapacity(length)
            for gradient in result.gradients { values += gradient.scalars.map { weight * $0 } }
            contributions.append((index: k, values: values))
            for (name, value) in result.counters { counters[name, default: 0] += value }
        }
        let sum = try reducer.orderedSum(contributions, count: ranges.count, length: length)
        var offset = 3
        var gradients: [Tensor] = []
        for (value, size) in zip(parameters.values, sizes) {
            gradients.append(try Tensor(shape: value.shape, scalars: Array(sum[offset ..< offset + size])))
            offset += size
        }
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
