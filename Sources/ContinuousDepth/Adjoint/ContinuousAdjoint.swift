// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// Gradients of a loss on a neural ODE's solution by the continuous adjoint
/// (“optimise then discretise”): after the forward solve, integrate backwards
/// from `t_K` to `t₀` the augmented system
///
///     x′ = f(x, t; θ),   a′ = −aᵀ ∂f/∂x,   a_θ′ = −aᵀ ∂f/∂θ
///     x(t_K) from the forward solve,  a(t_K) = ∂ℓ/∂x(t_K),  a_θ(t_K) = 0
///
/// stopping at each observation time `tₖ` (`t₀ < t₁ < … < t_K`) to add the jump
/// `a ← a + ∂ℓ/∂x(tₖ)` and, as torchdiffeq does, to restore `x(tₖ)` from the
/// forward solve. Then `∂ℓ/∂x₀ = a(t₀)` and `∂ℓ/∂θ = a_θ(t₀)`.
///
/// Memory does not depend on the number of steps: the forward pass keeps only
/// the states at the observation times, the backward pass one augmented state
/// of `2·batch·d + P` values. Between observation times `x` is recomputed
/// backwards, which drifts from the forward trajectory when the dynamics are
/// strongly contracting (not reversible in practice); `CheckpointedAdjoint`
/// removes that drift.
///
/// The backward solve uses `backwardStepType` (explicit only: the augmented
/// system has no Jacobian; by default the forward solver's scheme) with the
/// forward solver's tolerances and step bounds. Its first step is the one the
/// forward control proposed at `t_K` (`Trajectory.nextStepSize`), or the forward
/// solver's initial step when the trajectory has none; `maximumSteps` bounds each
/// backward segment. A `TraceableField`'s augmented right-hand side is replayed
/// from a trace (`ReplayedAdjointRightHandSide`), not recorded per evaluation. Its error test
/// follows `errorNorm`: by default the seminorm, which tests `x` and `a` only,
/// since `a_θ` is a quadrature that nothing depends on (see `AdjointErrorNorm`).
///
/// Any solver both ways: `init(forward:options:errorNorm:backward:)` takes an
/// `ODESolver` for the forward solve (an own Dormand–Prince or fixed-step scheme,
/// or GSL) and builds the backward solver from the same options, so the backward
/// pass is one more solve, of the `AugmentedAdjointField`, by an own explicit
/// Runge–Kutta scheme as well (`SolverAdjointIntegrator`: the seminorm through
/// per-component tolerances). The GSL initializer keeps the GSL backward stepper.
///
/// Reference: Chen, Rubanova, Bettencourt & Duvenaud, “Neural Ordinary Differential
/// Equations”, NeurIPS 2018, §2 and Algorithm 1; Pontryagin et al. (1962); Kidger,
/// Chen & Lyons, “‘Hey, that's not an ODE’: Faster ODE Adjoints via Seminorms”,
/// ICML 2021 (the seminorm).
public struct ContinuousAdjoint: Sendable {
    /// The forward solver; its tolerances and step bounds also drive the backward solve.
    public var solver: GSLNeuralODESolver
    /// The stepper of the backward solve (must not use a Jacobian).
    public var backwardStepType: GSLStepType
    /// The components of `[x, a, a_θ]` the backward error test covers.
    public var errorNorm: AdjointErrorNorm
    /// The forward solver when it is not `solver` (own schemes); `nil`: `solver`.
    public var forwardSolver: (any ODESolver)?
    /// Builds the backward solver from the backward options (tolerances adjusted
    /// for `errorNorm`, first step from the forward solve); `nil`: GSL's `backwardStepType`.
    public var makeBackwardSolver: (@Sendable (SolverOptions) throws -> any ODESolver)?
    /// The options the backward solver is built from, with `makeBackwardSolver`.
    public var backwardOptions: SolverOptions?

    /// A continuous adjoint on any solvers: `forward` integrates the field, and
    /// `backward(options)` builds the solver of the augmented system from `options`
    /// (adjusted for `errorNorm` and the first step; see `SolverAdjointIntegrator`),
    /// for example `{ try EmbeddedRungeKuttaSolver(.dormandPrince54, options: $0) }`. `solver` is then
    /// the GSL form of `options` with `rkf45` (not used by the gradient).
    public init(forward: any ODESolver, options: SolverOptions, errorNorm: AdjointErrorNorm = .seminorm,
                backward: @escaping @Sendable (SolverOptions) throws -> any ODESolver) {
        self.init(solver: GSLNeuralODESolver(stepType: .rkf45, options: options), errorNorm: errorNorm)
        forwardSolver = forward
        makeBackwardSolver = backward
        backwardOptions = options
    }

    /// A continuous adjoint; the backward step type is checked when a gradient is computed.
    ///
    /// - Parameters:
    ///   - solver: the forward solver (any step type).
    ///   - backwardStepType: an explicit GSL step type; by default the forward
    ///     solver's own when it is explicit (the same scheme both ways, as torchdiffeq
    ///     and diffrax do), else `rkf45`.
    ///   - errorNorm: `.seminorm` (test `x` and `a` only) by default, or `.fullState`.
    public init(solver: GSLNeuralODESolver, backwardStepType: GSLStepType? = nil,
                errorNorm: AdjointErrorNorm = .seminorm) {
        self.solver = solver
        self.backwardStepType = backwardStepType ?? solver.stepType.defaultBackwardStepType
        self.errorNorm = errorNorm
    }

    /// The loss `ℓ(x(t₁), …, x(t_K))` and its gradients with respect to `x₀` and `θ`.
    ///
    /// - Parameters:
    ///   - field: `f`, with the parameters `θ` to differentiate.
    ///   - x0: the batch `[batch, d]` at `t0`.
    ///   - t0: the initial time.
    ///   - observationTimes: `t₁ < … < t_K`, all after `t0` (or all before it, decreasing).
    ///   - loss: the scalar loss of the states at the observation times (in that order),
    ///     written with differentiable operations.
    /// - Throws: `ContinuousDepthError` (bad times, shapes or options, solver failures),
    ///   `AutodiffError.nonScalarOutput` for a non-scalar loss, or the field's own error.
    public func gradient(of field: some VectorField, initialState x0: Tensor, from t0: Double,
                         observationTimes: [Double], loss: ([Variable]) throws -> Variable) throws -> ODEGradient {
        let schedule = try ObservationSchedule(initialTime: t0, times: observationTimes)
        let forward: any ODESolver = forwardSolver ?? solver
        let trajectory = try forward.solve(field, initialState: x0, from: t0, to: schedule.finalTime,
                                           at: schedule.times)
        let (value, cotangents) = try ObservationSchedule.evaluate(loss, at: trajectory.states)
        let sensitivity = try backpropagate(cotangents, through: trajectory, of: field, from: t0)
        return ODEGradient(loss: value, initialState: sensitivity.initialState, parameters: sensitivity.parameters,
                           forward: trajectory.statistics, backward: sensitivity.statistics)
    }

    /// The backward pass alone: given the forward states `x(tₖ)` and cotangents
    /// `∂ℓ/∂x(tₖ)` at the trajectory's times, returns `∂ℓ/∂x(t₀)` and `∂ℓ/∂θ`.
    ///
    /// - Parameters:
    ///   - cotangents: one `[batch, d]` tensor per trajectory time.
    ///   - trajectory: a forward solve of `field` from `t0` (its times are the observation times).
    ///   - field: `f`, the field the trajectory solved, with the parameters `θ` to differentiate.
    ///   - t0: the initial time of the forward solve, where `a(t₀)` and `a_θ(t₀)` are returned.
    /// - Throws: `ContinuousDepthError.invalidArgument` for mismatched counts, shapes or
    ///   times; solver failures as `ContinuousDepthError`; the field's own errors.
    public func backpropagate(_ cotangents: [Tensor], through trajectory: Trajectory,
                              of field: some VectorField, from t0: Double) throws -> AdjointSensitivity {
        let schedule = try ObservationSchedule(initialTime: t0, times: trajectory.times)
        try checkCotangents(cotangents, for: trajectory, dimension: field.dimension)
        // The backward pass starts where the forward pass ended, with the step the forward
        // control would have taken next there (the dynamics of x, and of a through ∂f/∂x,
        // share their time scales), rather than ramping up again from the first step.
        let forwardProposal = trajectory.nextStepSize.map(abs).flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        let batchSize = trajectory.states[0].shape[0]
        let integrate: (inout [Double], Double, Double) throws -> SolverStatistics
        let dynamics: AdjointDynamics
        if let makeBackwardSolver, let backwardOptions {
            let integrator = try SolverAdjointIntegrator(field: field, batchSize: batchSize, options: backwardOptions,
                                                         initialStepSize: forwardProposal, errorNorm: errorNorm,
                                                         makeSolver: makeBackwardSolver)
            integrate = { s, start, end in try integrator.integrate(&s, from: start, to: end) }
            dynamics = integrator.field.dynamics
        } else {
            let integrator = try AdjointIntegrator(field: field, batchSize: batchSize,
                                                   configuration: solver, stepType: backwardStepType,
                                                   initialStepSize: forwardProposal ?? solver.initialStepSize,
                                                   errorNorm: errorNorm)
            integrate = { s, start, end in try integrator.integrate(&s, from: start, to: end) }
            dynamics = integrator.dynamics
        }
        let last = schedule.times.count - 1
        var s = dynamics.augmentedState(state: trajectory.states[last], adjoint: cotangents[last])
        var statistics = SolverStatistics()
        for k in stride(from: last, through: 0, by: -1) {
            let end = k > 0 ? schedule.times[k - 1] : t0
            statistics = statistics + (try integrate(&s, schedule.times[k], end))
            if k > 0 {
                dynamics.replaceState(in: &s, with: trajectory.states[k - 1])
                dynamics.addCotangent(cotangents[k - 1], to: &s)
            }
        }
        return AdjointSensitivity(initialState: try dynamics.adjoint(in: s),
                                  parameters: try dynamics.parameterAdjoints(in: s), statistics: statistics)
    }
}

/// Checks that there is one cotangent per state, each of the states' shape `[batch, d]`.
func checkCotangents(_ cotangents: [Tensor], for trajectory: Trajectory, dimension: Int) throws {
    guard trajectory.states.count == trajectory.times.count, let first = trajectory.states.first,
          first.rank == 2, first.shape[1] == dimension else {
        throw ContinuousDepthError.invalidArgument(
            "the trajectory must hold one [batch, \(dimension)] state per time; got \(trajectory.states.count) states "
                + "for \(trajectory.times.count) times")
    }
    guard cotangents.count == trajectory.states.count else {
        throw ContinuousDepthError.invalidArgument(
            "need one cotangent per observation time (\(trajectory.states.count)); got \(cotangents.count)")
    }
    for (k, (cotangent, state)) in zip(cotangents, trajectory.states).enumerated() where cotangent.shape != state.shape || state.shape != first.shape {
        throw ContinuousDepthError.invalidArgument(
            "cotangent \(k) has shape \(cotangent.shape) but the state at t = \(trajectory.times[k]) has shape \(state.shape)")
    }
}
