// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// Adaptive RODAS4, an L-stable stiffly accurate Rosenbrock method of order 4
/// with an embedded order-3 estimate, for stiff neural ODEs at batch scale:
/// one exact block Jacobian (`BlockDiagonalJacobian`) and one batched LU of
/// `I − hγJ_b` per step (`RosenbrockStepper`), six evaluations of `f` and six
/// block solves, no Newton iteration. Work per step is linear in the batch.
/// `∂f/∂t` is exact for a `TimeDifferentiableField` and otherwise a central
/// difference in `t` (two more evaluations per step); order 4 holds for
/// non-autonomous fields either way.
///
///     (I − hγJ) uᵢ = hγ [f(tₙ + cᵢh, yₙ + Σ aᵢⱼuⱼ) + Σ (Cᵢⱼ/h) uⱼ + dᵢ h ∂f/∂t],
///     yₙ₊₁ = yₙ + Σ mᵢ uᵢ,   error estimate u₆,
///
/// accepted when the weighted norm of the estimate is at most 1 (`errorOrder` 4
/// for the controller). Output times are step ends; events and the dense
/// output use the cubic Hermite interpolant (`HermiteDenseOutput`).
///
/// Differentiable: with tracked `x₀` or `θ`, each accepted step is recorded on
/// the tape by the same formulas (the step size and the accept decision held
/// constant, as for every backprop through a solver), so the recorded state
/// equals the forward one to round-off. Its stages use `J(yₙ; θ)` explicitly:
/// stage `i` is `uᵢ = (I − hγJ)⁻¹ rᵢ` (`LinearizedSolveOperation`, with the
/// forward step's LU reused), whose pullback needs the derivative of `J`,
///
///     r̄ᵢ = wᵢ = (I − hγJ)⁻ᵀ ūᵢ,   (ȳₙ, θ̄) += hγ · ∇_{y,θ} [wᵢᵀ J(yₙ; θ) uᵢ],
///
/// one exact Hessian–vector product of `Σ wᵢᵀ f` per stage (second derivatives
/// of `f` by forward over reverse mode, no finite differences). The
/// `dᵢ h ∂f/∂t` terms are recorded as the forward computes them
/// (`TimeDerivativeRule`). A backprop gradient is therefore about six
/// Hessian–vector products per accepted step on top of the forward's tape;
/// `NeuralODEBlock` keeps the continuous adjoint (`StiffAdjoint`) as rodas4's
/// default.
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.7 (eq. (7.3′)) and
/// §VI.4 (RODAS); the coefficients of Hairer's `rodas.f`.
public struct Rodas4Solver: DifferentiableODESolver {
    /// The method: `RosenbrockTableau.rodas4`.
    public var tableau: RosenbrockTableau { .rodas4 }
    public let options: SolverOptions
    public let controller: any StepSizeController

    public init(options: SolverOptions, controller: any StepSizeController = ProportionalIntegralController.standard) {
        self.options = options
        self.controller = controller
    }

    /// - Throws: `ContinuousDepthError.invalidOption` naming a bad tolerance.
    public init(relativeTolerance: Double, absoluteTolerance: Double) throws {
        self.init(options: try SolverOptions(relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance))
    }

    /// Forward only, on tensors (the field's own parameters; a `TraceableField` is replayed for `f`).
    public func solve<Field: VectorField>(_ field: Field, initialState x0: Tensor, from t0: Double, to t1: Double,
                                          saving schedule: OutputSchedule, events: [ODEEvent],
                                          keepingDenseOutput: Bool) throws -> Trajectory {
        try solveCountingImplicitWork(field, initialState: x0, from: t0, to: t1, saving: schedule, events: events,
                                      keepingDenseOutput: keepingDenseOutput).trajectory
    }

    public func solve<Field: VectorField>(_ field: Field, initialState x0: Variable, parameters theta: [Variable],
                                          from t0: Double, to t1: Double, saving schedule: OutputSchedule,
                                          events: [ODEEvent], keepingDenseOutput: Bool) throws -> VariableTrajectory {
        try solveCountingImplicitWork(field, initialState: x0, parameters: theta, from: t0, to: t1, saving: schedule,
                                      events: events, keepingDenseOutput: keepingDenseOutput).trajectory
    }

    /// As `solve`, forward only on tensors, with the implicit work (Jacobians, LU factorisations) counted.
    ///
    /// - Throws: as `solveCountingImplicitWork(_:initialState:parameters:from:to:saving:events:keepingDenseOutput:)`.
    public func solveCountingImplicitWork<Field: VectorField>(
        _ field: Field, initialState x0: Tensor, from t0: Double, to t1: Double, saving schedule: OutputSchedule,
        events: [ODEEvent] = [], keepingDenseOutput: Bool = false) throws
        -> (trajectory: Trajectory, statistics: ImplicitSolverStatistics) {
        let result = try solveCountingImplicitWork(field, initialState: Variable(x0),
                                                   parameters: field.parameters.values.map { Variable($0) },
                                                   from: t0, to: t1, saving: schedule, events: events,
                                                   keepingDenseOutput: keepingDenseOutput)
        return (result.trajectory.values, result.statistics)
    }

    /// As `solve` on variables, with the implicit work (Jacobians, LU factorisations) counted.
    /// Untracked `x0` and `θ` record nothing (the forward-only path).
    ///
    /// - Throws: `ContinuousDepthError.invalidArgument`/`.invalidOption` for bad arguments;
    ///   `.nonFinite`, `.stepSizeTooSmall`, `.tooManySteps`, `.evaluationBudgetExhausted`
    ///   with the statistics so far; the field's errors.
    public func solveCountingImplicitWork<Field: VectorField>(
        _ field: Field, initialState x0: Variable, parameters theta: [Variable], from t0: Double, to t1: Double,
        saving schedule: OutputSchedule, events: [ODEEvent] = [], keepingDenseOutput: Bool = false) throws
        -> (trajectory: VariableTrajectory, statistics: ImplicitSolverStatistics) {
        let span = try IntegrationSpan(from: t0, to: t1, saving: schedule)
        try checkSolveArguments(field, initialState: x0, parameters: theta, at: t0)
        try options.tolerance.check(stateShape: x0.shape)
        let system = try BatchedStiffSystem(field, batch: x0.shape[0], parameters: theta.map(\.value),
                                            tolerance: options.tolerance)
        let stepper = RosenbrockStepper(tableau: tableau, system: system)
        let h0 = try options.initialStepSize
            ?? firstStepSize(system, state: x0.value, at: t0, order: tableau.order, direction: span.direction)
        let records = x0.isTracked || theta.contains(where: \.isTracked)
        var current = x0
        var tapeEvaluations = 0
        let driver = ImplicitStepDriver(options: options, controller: controller, errorOrder: tableau.embeddedOrder + 1)
        let outcome = try driver.integrate(
            span: span, initialState: x0, initialStepSize: h0, events: events,
            keepingDenseOutput: keepingDenseOutput, counting: system,
            attempt: { y, t, h in try stepper.attempt(from: y, at: t, by: h) },
            slope: { y, t in try stepper.slope(at: y, time: t) },
            record: { step, t, h, _ in
                if records {
                    let recorded = try recordStep(field, from: current, parameters: theta, at: t, by: h,
                                                  factorization: step.payload, timeDerivative: system.timeDerivativeRule)
                    current = recorded.state
                    tapeEvaluations += recorded.evaluations
                } else {
                    current = Variable(try system.tensor(step.state))
                }
                return current
            })
        let trajectory = VariableTrajectory(times: outcome.times, states: outcome.states,
                                            statistics: system.statistics.solverStatistics,
                                            acceptedEvaluations: tapeEvaluations, events: outcome.events,
                                            interpolant: outcome.interpolant)
        return (trajectory, system.statistics)
    }

    /// `steps` equal steps from `t0` to `t1` without error control (for order measurements).
    /// - Throws: `ContinuousDepthError.invalidArgument`/`.invalidOption` for bad arguments; the field's errors.
    public func solveFixedStep<Field: VectorField>(_ field: Field, initialState x0: Tensor, from t0: Double,
                                                   to t1: Double, steps: Int) throws
        -> (finalState: Tensor, statistics: ImplicitSolverStatistics) {
        try checkSolveArguments(field, initialState: Variable(x0),
                                parameters: field.parameters.values.map { Variable($0) }, at: t0)
        let system = try BatchedStiffSystem(field, batch: x0.shape[0], parameters: field.parameters.values,
                                        tolerance: options.tolerance)
        let stepper = RosenbrockStepper(tableau: tableau, system: system)
        let final = try ImplicitStepDriver.integrateFixed(
            from: t0, to: t1, steps: steps, initialState: x0.scalars,
            statistics: { system.statistics.solverStatistics },
            attempt: { y, t, h in try stepper.attempt(from: y, at: t, by: h) },
            accepted: { system.statistics.acceptedSteps += 1 })
        return (try system.tensor(final), system.statistics)
    }

    /// The accepted step from `(tₙ, yₙ)` on the tape, by the forward's formulas:
    ///
    ///     rᵢ = hγ [ f(tₙ + cᵢh, yₙ + Σ aᵢⱼuⱼ) + Σ (Cᵢⱼ/h) uⱼ + dᵢ h ∂f/∂t ],   uᵢ = (I − hγJ)⁻¹ rᵢ,
    ///     yₙ₊₁ = yₙ + Σ mᵢ uᵢ,
    ///
    /// each `uᵢ` a `LinearizedSolveOperation` with `J` at `(tₙ, yₙ)` (the forward's LU reused).
    /// Returns the end state and the evaluations of `f` recorded (the pullback's work).
    private func recordStep<Field: VectorField>(_ field: Field, from y: Variable, parameters theta: [Variable],
                                                at t: Double, by h: Double, factorization: BatchedLUFactorization?,
                                                timeDerivative rule: TimeDerivativeRule) throws
        -> (state: Variable, evaluations: Int) {
        let tableau = self.tableau
        let s = h * tableau.gamma
        let timeDerivative = try rule.record(field, at: y, time: t, parameters: theta)
        var evaluations = rule.evaluations
        var u: [Variable] = []
        for i in 0..<tableau.stageCount {
            var rhs: Variable
            if i == 0 {
                rhs = try field(y, time: t, parameters: theta)
            } else {
                var argument = y
                for j in 0..<i where tableau.a[i][j] != 0 { argument = try argument + u[j] * tableau.a[i][j] }
                rhs = try field(argument, time: t + tableau.c[i] * h, parameters: theta)
                for j in 0..<i where tableau.stageCoupling[i][j] != 0 {
                    rhs = try rhs + u[j] * (tableau.stageCoupling[i][j] / h)
                }
            }
            evaluations += 1
            if tableau.d[i] != 0 { rhs = try rhs + timeDerivative * (tableau.d[i] * h) }
            u.append(try LinearizedSolveOperation.record(try rhs * s, scale: s, jacobianAt: y, time: t, field: field,
                                                         parameters: theta, factorization: factorization))
        }
        var next = y
        for i in 0..<tableau.stageCount where tableau.m[i] != 0 { next = try next + u[i] * tableau.m[i] }
        return (next, evaluations)
    }
}
