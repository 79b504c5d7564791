// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A supervised data set: `n` samples with `d` features and their targets.
///
///     inputs  : [n, d]   one sample per row
///     targets : [n, k]   what a model regresses on (±1 or one-hot for classes; values for regression)
///     labels  : [Int]    class index cᵢ ∈ 0..<classCount per sample; empty for regression
///
/// For classification `targets` is derived from `labels` by a `LabelEncoding`;
/// for regression `classCount` is 0 and `labels` is empty.
public struct Dataset: Sendable, Equatable {
    /// The samples, shape `[n, d]`.
    public let inputs: Tensor
    /// The targets, shape `[n, k]`.
    public let targets: Tensor
    /// Class index of each sample (`n` entries in `0..<classCount`), or empty for regression.
    public let labels: [Int]
    /// Number of classes `k`; 0 for a regression data set.
    public let classCount: Int
    /// How `targets` encodes `labels`; `nil` for regression.
    public let labelEncoding: LabelEncoding?

    /// A classification data set whose targets are `labels` under `encoding`.
    /// - Parameters:
    ///   - inputs: samples, shape `[n, d]`.
    ///   - labels: `n` class indices in `0..<classCount`.
    ///   - classCount: number of classes `k ≥ 1` (exactly 2 for `.signed`).
    ///   - encoding: `.signed` gives targets `2c − 1` of shape `[n, 1]`; `.oneHot` gives `[n, k]`.
    /// - Throws: `DatasetError.inconsistentShapes` when the inputs are not rank 2, the label
    ///   count differs from `n` or a label is outside `0..<classCount`;
    ///   `DatasetError.invalidParameter` for a bad `classCount`.
    public init(inputs: Tensor, labels: [Int], classCount: Int, encoding: LabelEncoding) throws {
        guard inputs.rank == 2 else {
            throw DatasetError.inconsistentShapes(reason: "inputs must have shape [n, d]; got \(inputs.shape)")
        }
        guard labels.count == inputs.shape[0] else {
            throw DatasetError.inconsistentShapes(
                reason: "\(labels.count) labels for \(inputs.shape[0]) input rows")
        }
        guard classCount >= 1 else {
            throw DatasetError.invalidParameter(name: "classCount", reason: "must be ≥ 1; got \(classCount)")
        }
        if encoding == .signed && classCount != 2 {
            throw DatasetError.invalidParameter(
                name: "classCount", reason: "the signed (±1) encoding needs exactly 2 classes; got \(classCount)")
        }
        if let (position, label) = labels.enumerated().first(where: { $0.element < 0 || $0.element >= classCount }) {
            throw DatasetError.inconsistentShapes(
                reason: "label \(label) of sample \(position) is outside 0..<\(classCount)")
        }
        let n = labels.count
        let targets: Tensor
        switch encoding {
        case .signed:
            targets = try Tensor(shape: [n, 1], scalars: labels.map { Double(2 * $0 - 1) })
        case .oneHot:
            var scalars = [Double](repeating: 0, count: n * classCount)
            for (i, c) in labels.enumerated() { scalars[i * classCount + c] = 1 }
            targets = try Tensor(shape: [n, classCount], scalars: scalars)
        }
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
        self.classCount = classCount
        self.labelEncoding = encoding
    }

    /// A regression data set: `targets[i]` is the value to predict from `inputs[i]`.
    /// - Throws: `DatasetError.inconsistentShapes` unless both tensors are rank 2 with the same `n`.
    public init(inputs: Tensor, targets: Tensor) throws {
        guard inputs.rank == 2, targets.rank == 2, inputs.shape[0] == targets.shape[0] else {
            throw DatasetError.inconsistentShapes(
                reason: "inputs \(inputs.shape) and targets \(targets.shape) must be [n, d] and [n, k] with the same n")
        }
        self.inputs = inputs
        self.targets = targets
        self.labels = []
        self.classCount = 0
        self.labelEncoding = nil
    }

    /// Number of samples `n`.
    public var count: Int { inputs.shape[0] }

    /// Number of input features `d`.
    public var featureCount: Int { inputs.shape[1] }

    /// Number of samples in each class: entry `c` is `#{i : labels[i] = c}` (empty for regression).
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for c in labels { counts[c] += 1 }
        return counts
    }

    /// The samples at `indices`, in that order (repeats allowed): rows gathered from inputs,
    /// targets and labels alike.
    /// - Throws: `DatasetError.indexOutOfRange` for an index outside `0..<count`.
    public func subset(_ indices: [Int]) throws -> Dataset {
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw DatasetError.indexOutOfRange(index: bad, count: count)
        }
        return Dataset(
            checkedInputs: try inputs.gatherRows(indices),
            targets: try targets.gatherRows(indices),
            labels: labels.isEmpty ? [] : indices.map { labels[$0] },
            classCount: classCount,
            labelEncoding: labelEncoding)
    }

    /// Memberwise initialiser for parts already known to be consistent.
    init(checkedInputs inputs: Tensor, targets: Tensor, labels: [Int], classCount: Int, labelEncoding: LabelEncoding?) {
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
        self.classCount = classCount
        self.labelEncoding = labelEncoding
    }
}
