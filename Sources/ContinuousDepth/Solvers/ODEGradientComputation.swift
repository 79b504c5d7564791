// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A way to differentiate a loss on an ODE solution,
///
///     ℓ(x(t₁), …, x(t_K)),   x′ = f(x, t; θ),   x(t₀) = x₀   ↦   ℓ, ∂ℓ/∂x₀, ∂ℓ/∂θ,
///
/// whatever the solver: backprop through the accepted steps
/// (`BackpropThroughSolver`, with any `DifferentiableODESolver`: the own schemes,
/// `Kvaerno5Solver`, `Rodas4Solver`, GSL's steps replayed by `GSLReplaySolver`), the
/// continuous adjoint (`ContinuousAdjoint`; `StiffAdjoint` for stiff problems) or the
/// adjoint re-integrating `x` from checkpoints (`CheckpointedAdjoint`;
/// `CheckpointedStiffAdjoint`). `NeuralODEGradientMethod` names the three for specs
/// and the command line.
public protocol ODEGradientComputation: Sendable {
    /// The loss and its gradients with respect to `x₀` and the field's parameters (`ODEGradient`).
    /// - Throws: `ContinuousDepthError` for bad times, shapes or options and solver failures;
    ///   `AutodiffError.nonScalarOutput` for a non-scalar loss; the field's own errors.
    func gradient<Field: VectorField>(of field: Field, initialState x0: Tensor, from t0: Double,
                                      observationTimes: [Double],
                                      loss: ([Variable]) throws -> Variable) throws -> ODEGradient
}

extension BackpropThroughSolver: ODEGradientComputation {}
extension ContinuousAdjoint: ODEGradientComputation {}
extension CheckpointedAdjoint: ODEGradientComputation {}
