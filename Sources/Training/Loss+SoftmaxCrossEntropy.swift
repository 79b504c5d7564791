// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension Loss {
    /// Softmax cross-entropy of logits against target distributions, mean over the batch:
    ///
    ///     L = (1/n) · Σ_b Σ_j t_bj · (lse(z_b) − z_bj),    lse(z) = m + log Σ_j exp(z_j − m), m = max_j z_j
    ///     ∂L/∂z_bj = ((Σ_i t_bi) · softmax(z_b)_j − t_bj) / n
    ///
    /// For one-hot (or any probability) rows `t_b` this is `−Σ_j t_bj log softmax(z_b)_j`.
    /// `z − lse(z)` is formed without exponentiating a large logit, so logits of
    /// ±1000 give the exact finite loss (for example 2000 for the wrong one of `[1000, −1000]`).
    /// - Parameters:
    ///   - logits: unnormalised scores `z`, shape `[n, k]` with `n ≥ 1`, `k ≥ 1`.
    ///   - targets: target probabilities `t`, shape `[n, k]` (one-hot for hard labels).
    /// - Returns: a rank-0 variable.
    /// - Throws: `TrainingError.shapeMismatch` unless both are `[n, k]` of one shape with `n, k ≥ 1`.
    ///
    /// Reference: Goodfellow, Bengio & Courville, *Deep Learning* (2016), §6.2.2.3.
    public static func softmaxCrossEntropy(logits: Variable, targets: Tensor) throws -> Variable {
        guard logits.rank == 2, logits.shape == targets.shape, logits.shape[0] >= 1, logits.shape[1] >= 1 else {
            throw TrainingError.shapeMismatch(
                operation: "softmaxCrossEntropy",
                reason: "logits \(logits.shape) and targets \(targets.shape) must both be [n, k] with n, k ≥ 1")
        }
        let n = Double(logits.shape[0])
        let logSoftmax = try logits - logits.logSumExp(alongAxis: 1, keepingDimensions: true)
        return try (logSoftmax * Variable(targets)).sum().scaled(by: -1 / n)
    }

    /// Softmax cross-entropy of logits against integer class labels, mean over the batch:
    ///
    ///     L = (1/n) · Σ_b (lse(z_b) − z_b,c_b),    ∂L/∂z_bj = (softmax(z_b)_j − [j = c_b]) / n
    ///
    /// the one-hot case of `softmaxCrossEntropy(logits:targets:)`, with the same stability.
    /// - Parameters:
    ///   - logits: unnormalised scores, shape `[n, k]` with `n, k ≥ 1`.
    ///   - labels: `n` class indices `c_b` in `0..<k`.
    /// - Returns: a rank-0 variable.
    /// - Throws: `TrainingError.shapeMismatch` for a bad shape or label count,
    ///   `TrainingError.labelOutOfRange` for a label outside `0..<k`.
    public static func softmaxCrossEntropy(logits: Variable, labels: [Int]) throws -> Variable {
        guard logits.rank == 2, logits.shape[0] == labels.count else {
            throw TrainingError.shapeMismatch(
                operation: "softmaxCrossEntropy",
                reason: "logits \(logits.shape) must be [n, k] with n = \(labels.count), the number of labels")
        }
        let k = logits.shape[1]
        var oneHot = [Double](repeating: 0, count: labels.count * k)
        for (b, c) in labels.enumerated() {
            guard c >= 0 && c < k else {
                throw TrainingError.labelOutOfRange(operation: "softmaxCrossEntropy", position: b, label: c, classCount: k)
            }
            oneHot[b * k + c] = 1
        }
        return try softmaxCrossEntropy(logits: logits, targets: Tensor(shape: logits.shape, scalars: oneHot))
    }
}
