// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A set of `n` supervised samples, row `b` of each tensor belonging to sample `b`:
///
///     inputs  : [n, …]   what the model reads
///     targets : [n, …]   what it regresses on (±1, one-hot, values; `[n, 0]` if unused)
///     labels  : [Int]    class of each sample, or empty (regression)
///
/// The training set, the held-out set and each mini-batch are all `Samples`.
public struct Samples: Sendable, Equatable {
    /// The model inputs, shape `[n, …]`.
    public let inputs: Tensor
    /// The targets, shape `[n, …]`.
    public let targets: Tensor
    /// One class index per sample, or empty when there are no classes.
    public let labels: [Int]

    /// - Throws: `TrainingError.invalidSamples` unless inputs and targets have rank ≥ 1
    ///   and the same `n`, and `labels` is empty or has `n` entries.
    public init(inputs: Tensor, targets: Tensor, labels: [Int] = []) throws {
        guard inputs.rank >= 1, targets.rank >= 1, inputs.shape[0] == targets.shape[0] else {
            throw TrainingError.invalidSamples(
                reason: "inputs \(inputs.shape) and targets \(targets.shape) must be [n, …] with the same n")
        }
        guard labels.isEmpty || labels.count == inputs.shape[0] else {
            throw TrainingError.invalidSamples(reason: "\(labels.count) labels for \(inputs.shape[0]) samples")
        }
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
    }

    private init(checkedInputs inputs: Tensor, targets: Tensor, labels: [Int]) {
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
    }

    /// The number of samples `n`.
    public var count: Int { inputs.shape[0] }

    /// The samples at `indices`, in that order (repeats allowed).
    /// - Throws: `TrainingError.invalidSamples` for an index outside `0..<n`.
    public func subset(_ indices: [Int]) throws -> Samples {
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw TrainingError.invalidSamples(reason: "sample index \(bad) is outside 0..<\(count)")
        }
        return Samples(checkedInputs: try inputs.gatherRows(indices), targets: try targets.gatherRows(indices),
                       labels: labels.isEmpty ? [] : indices.map { labels[$0] })
    }

    /// The consecutive samples `range` (no shuffling), as used for evaluation.
    func slice(_ range: Range<Int>) throws -> Samples {
        Samples(checkedInputs: try inputs.slice(range), targets: try targets.slice(range),
                labels: labels.isEmpty ? [] : Array(labels[range]))
    }
}
