// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Gradient strategy "discretise, then optimise": record one solve of `solver`
/// on a tape and differentiate the loss through its accepted steps with the core
/// reverse-mode autodiff,
///
///     ℓ = L(x(τ₁), …, x(τₘ)),   x(τⱼ) = (Φₙ ∘ … ∘ Φ₁)(x0; θ)  (plus dense output)
///     ∂ℓ/∂x0, ∂ℓ/∂θ = exact derivatives of the discrete solution.
///
/// The step sizes and accept/reject decisions are constants (as torchdiffeq's
/// backprop through `odeint`), so the result is the exact gradient of the
/// numerical solution, which differs from the gradient of the true flow by
/// O(tolerance). Memory grows with the number of steps (the tape keeps every
/// stage, and rejected attempts, which are never pulled back); the continuous
/// adjoint trades that for a backward solve.
///
/// Reference: Chen et al., *Neural Ordinary Differential Equations*, NeurIPS 2018, §2;
/// Kidger, *On Neural Differential Equations*, §5.1.
public struct BackpropThroughSolver<Solver: DifferentiableODESolver>: Sendable {
    /// The solver whose accepted steps are differentiated.
    public let solver: Solver

    /// Backprop through the steps of `solver`.
    public init(_ solver: Solver) {
        self.solver = solver
    }

    /// The loss `ℓ(x(τ₁), …, x(τₘ))` of the states at the observation times and its gradients.
    ///
    /// - Parameters:
    ///   - field: the vector field; its own parameters are the point of differentiation.
    ///   - x0: the initial state `[batch, field.dimension]` at `t0`.
    ///   - t0: the initial time.
    ///   - observationTimes: `τ₁ … τₘ`, ordered away from `t0` (repeats and `t0`
    ///     itself allowed); the solve runs from `t0` to `τₘ`. The same call as
    ///     `ContinuousAdjoint.gradient`, so the two strategies can be swapped.
    ///   - loss: a scalar of the states at `τ₁ … τₘ`, written with `Variable` operations.
    /// - Returns: `ℓ`, `∂ℓ/∂x0`, `∂ℓ/∂θ` in `field.parameters.names` order; `forward`
    ///   counts the solve, `backward` the accepted steps pulled back and their
    ///   evaluations of `f` (`VariableTrajectory.acceptedEvaluations`, at most one
    ///   vector–Jacobian product each).
    /// - Throws: `ContinuousDepthError.invalidArgument` for no observation time,
    ///   `AutodiffError.nonScalarOutput` when the loss is not a single element;
    ///   the solver's, the field's and the loss's errors unchanged.
    public func gradient<Field: VectorField>(of field: Field, initialState x0: Tensor, from t0: Double,
                                             observationTimes: [Double],
                                             loss: ([Variable]) throws -> Variable) throws -> ODEGradient {
        guard let t1 = observationTimes.last else {
            throw ContinuousDepthError.invalidArgument(
                "observation times must not be empty; pass [t1] to observe the final state")
        }
        let tape = Tape()
        let x = try tape.variable(x0)
        let theta = try field.parameters.values.map { try tape.variable($0) }
        let trajectory = try solver.solve(field, initialState: x, parameters: theta, from: t0, to: t1,
                                          saving: .times(observationTimes))
        let l = try loss(trajectory.states)
        guard l.value.count == 1, let value = l.value.scalar else { throw AutodiffError.nonScalarOutput(shape: l.shape) }
        let gradients = try tape.pullback(of: l, seed: try Tensor(shape: l.shape, repeating: 1), to: [x] + theta)
        let forward = trajectory.statistics
        return ODEGradient(loss: value, initialState: gradients[0].value, parameters: gradients.dropFirst().map(\.value),
                           forward: forward,
                           backward: SolverStatistics(functionEvaluations: trajectory.acceptedEvaluations,
                                                      acceptedSteps: forward.acceptedSteps))
    }

    /// The loss of the final state `x(t1)` and its gradients.
    public func gradient<Field: VectorField>(of field: Field, initialState x0: Tensor, from t0: Double, to t1: Double,
                                             loss: (Variable) throws -> Variable) throws -> ODEGradient {
        try gradient(of: field, initialState: x0, from: t0, observationTimes: [t1]) { states in
            guard let final = states.last else {
                throw ContinuousDepthError.invalidArgument("the solver returned no state at t1 = \(t1)")
            }
            return try loss(final)
        }
    }
}
