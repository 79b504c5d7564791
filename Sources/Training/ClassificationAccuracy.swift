// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The fraction of samples whose predicted class equals the label:
///
///     k ≥ 2 outputs per sample:  ĉ_b = argmax_j z_bj   (the first one on ties)
///     one output per sample:     ĉ_b = 1 if z_b > 0, else 0   (the sign, for ±1 targets 2c − 1)
///
/// - Parameters:
///   - outputs: logits or scores, shape `[n, k]`, `[n, 1]` or `[n]` with `n ≥ 1`.
///   - labels: `n` classes in `0..<k` (in `{0, 1}` for one output).
/// - Returns: `#{b : ĉ_b = c_b} / n`, in `[0, 1]`.
/// - Throws: `TrainingError.shapeMismatch` for a bad shape or label count,
///   `TrainingError.labelOutOfRange` for a label outside the classes.
public func classificationAccuracy(_ outputs: Tensor, labels: [Int]) throws -> Double {
    let correct = try correctPredictionCount(outputs, labels: labels)
    return Double(correct) / Double(labels.count)
}

/// The number of samples whose predicted class (see `classificationAccuracy`) equals the label.
func correctPredictionCount(_ outputs: Tensor, labels: [Int]) throws -> Int {
    guard (outputs.rank == 1 || outputs.rank == 2), outputs.shape[0] == labels.count, labels.count >= 1 else {
        throw TrainingError.shapeMismatch(
            operation: "classificationAccuracy",
            reason: "outputs \(outputs.shape) must be [n, k] or [n] with n = \(labels.count) ≥ 1, the number of labels")
    }
    let k = outputs.rank == 2 ? outputs.shape[1] : 1
    guard k >= 1 else {
        throw TrainingError.shapeMismatch(operation: "classificationAccuracy", reason: "outputs \(outputs.shape) have no columns")
    }
    let classCount = max(k, 2)
    if let b = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
        throw TrainingError.labelOutOfRange(operation: "classificationAccuracy", position: b, label: labels[b],
                                            classCount: classCount)
    }
    let predicted = k == 1 ? outputs.scalars.map { $0 > 0 ? 1 : 0 }
                           : try outputs.reshaped(to: [labels.count, k]).argmaxRows()
    return zip(predicted, labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
}
