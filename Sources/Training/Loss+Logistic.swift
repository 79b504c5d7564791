// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension Loss {
    /// Binary logistic loss of one output per sample against ±1 targets, mean over the batch:
    ///
    ///     L = (1/n) · Σ_b log(1 + exp(−t_b · z_b)),    ∂L/∂z_b = −t_b · σ(−t_b · z_b) / n
    ///
    /// computed as `softplus(−t·z)`, which never overflows. It equals softmax
    /// cross-entropy on the logits `[0, z]` with the label `(t + 1)/2`.
    /// - Parameters:
    ///   - outputs: scores `z`, shape `[n, 1]` or `[n]` with `n ≥ 1`.
    ///   - signedTargets: `t ∈ {−1, +1}` (any real value is accepted), the same shape.
    /// - Returns: a rank-0 variable.
    /// - Throws: `TrainingError.shapeMismatch` unless both have one shape `[n, 1]` or `[n]`, `n ≥ 1`.
    public static func logistic(_ outputs: Variable, signedTargets: Tensor) throws -> Variable {
        let shapeIsColumn = outputs.rank == 1 || (outputs.rank == 2 && outputs.shape[1] == 1)
        guard shapeIsColumn, outputs.shape == signedTargets.shape, outputs.shape[0] >= 1 else {
            throw TrainingError.shapeMismatch(
                operation: "logistic",
                reason: "outputs \(outputs.shape) and targets \(signedTargets.shape) must both be [n, 1] or [n] with n ≥ 1")
        }
        let n = Double(outputs.shape[0])
        return try (outputs * Variable(-signedTargets)).softplus().sum().scaled(by: 1 / n)
    }
}
