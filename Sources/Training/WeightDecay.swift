// SPDX-License-Identifier: GPL-3.0-or-later

/// How an optimiser shrinks the parameters towards zero, with coefficient `λ ≥ 0`
/// and learning rate `η`:
///
///     none:       no decay
///     l2(λ):      g ← g + λ·θ before the update (the gradient of ½λ‖θ‖²; PyTorch's `weight_decay`)
///     decoupled(λ): θ ← (1 − η·λ)·θ, then the update with the plain g (PyTorch's `AdamW`)
///
/// For SGD without momentum the two coincide; for Adam they differ, because
/// Adam rescales the L2 term with the gradient's running variance.
///
/// Reference: Loshchilov & Hutter, "Decoupled weight decay regularization" (ICLR 2019), §2.
public enum WeightDecay: Sendable, Equatable {
    /// No decay.
    case none
    /// `g ← g + λ·θ`: the gradient of the penalty `½λ‖θ‖²`, coupled to the optimiser's scaling.
    case l2(Double)
    /// `θ ← (1 − η·λ)·θ` before the optimiser's step, independent of the gradient.
    case decoupled(Double)

    /// Throws unless the coefficient is finite and ≥ 0.
    func validate() throws {
        switch self {
        case .none: return
        case let .l2(lambda), let .decoupled(lambda):
            guard lambda.isFinite && lambda >= 0 else {
                throw TrainingError.invalidHyperparameter(name: "weight decay", reason: "must be finite and ≥ 0; got \(lambda)")
            }
        }
    }

    /// The coefficient added to the gradient as `λ·θ` (0 unless `.l2`).
    var gradientCoefficient: Double {
        if case let .l2(lambda) = self { return lambda }
        return 0
    }

    /// The coefficient of the decoupled shrinkage `θ ← (1 − η·λ)·θ` (0 unless `.decoupled`).
    var decoupledCoefficient: Double {
        if case let .decoupled(lambda) = self { return lambda }
        return 0
    }
}
