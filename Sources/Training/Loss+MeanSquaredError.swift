// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension Loss {
    /// Half the mean over the batch of the squared Euclidean error:
    ///
    ///     L = ½ · (1/n) · Σ_b Σ_i (y_bi − t_bi)²,    ∂L/∂y = (y − t) / n
    ///
    /// where `n = shape[0]` is the batch size and `i` runs over every other axis.
    /// The ½ cancels the 2 of the derivative; this is PyTorch's
    /// `0.5 * ((y - t)**2).sum(dim=1).mean()` for `[n, k]` tensors, not `MSELoss`
    /// (which divides by `n·k` as well).
    /// - Parameters:
    ///   - predictions: the model's outputs, shape `[n, …]` with `n ≥ 1`.
    ///   - targets: the values to match, the same shape.
    /// - Returns: a rank-0 variable.
    /// - Throws: `TrainingError.shapeMismatch` unless both have one shape of rank ≥ 1 and `n ≥ 1`.
    public static func meanSquaredError(_ predictions: Variable, targets: Tensor) throws -> Variable {
        guard predictions.shape == targets.shape, predictions.rank >= 1, predictions.shape[0] >= 1 else {
            throw TrainingError.shapeMismatch(
                operation: "meanSquaredError",
                reason: "predictions \(predictions.shape) and targets \(targets.shape) must have one shape [n, …] with n ≥ 1")
        }
        let n = Double(predictions.shape[0])
        return try (predictions - Variable(targets)).square().sum().scaled(by: 0.5 / n)
    }
}
