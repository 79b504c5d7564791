// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Adaptive Kværnø 5(4), an L-stable stiffly accurate ESDIRK method, for
/// stiff neural ODEs at batch scale: each implicit stage is solved by
/// simplified Newton per sample with the batch's block-diagonal Jacobian
/// (`BlockDiagonalJacobian`, `d` forward-mode products) and one batched LU of
/// the `d × d` blocks `I − hγJ_b` (`BatchedLUFactorization`), reused across
/// stages and steps while Newton converges (`DiagonallyImplicitStepper`). Work
/// per step is linear in the batch; a dense solver's is cubic in `batch·d`.
///
///     zᵢ = yₙ + h Σ_{j<i} aᵢⱼ kⱼ + hγ kᵢ,   kᵢ = f(tₙ + cᵢh, zᵢ),   yₙ₊₁ = z₇,
///     error estimate z₇ − z₆ (the order-4 embedded solution),
///
/// accepted when its weighted norm is at most 1 (`errorOrder` 5 for the
/// controller). One evaluation `f(tₙ, yₙ)` per step plus one per Newton
/// iteration; a sample whose iteration fails shrinks the step of the whole
/// batch by 4. Output times are step ends (the step is shortened to land on
/// them); events and the dense output use the cubic Hermite interpolant
/// (`HermiteDenseOutput`).
///
/// Differentiable: with tracked `x₀` or `θ`, each accepted step joins the tape
/// with its stages recorded by the implicit-function rule
/// (`ImplicitStageOperation`), never through Newton's iterations.
///
/// Reference: A. Kværnø, BIT 44 (2004) 489–502; Hairer & Wanner, *Solving ODEs
/// II*, §IV.6 (SDIRK methods) and §IV.8 (implementation).
public struct Kvaerno5Solver: DifferentiableODESolver {
    /// The method: `DiagonallyImplicitTableau.kvaerno5`.
    public var tableau: DiagonallyImplicitTableau { .kvaerno5 }
    /// Tolerances (also the scale of Newton's convergence test), step bounds, step limit, evaluation budget.
    public let options: SolverOptions
    public let controller: any StepSizeController
    /// The most simplified-Newton iterations per stage before the stage counts as not converged.
    public let maximumNewtonIterations: Int

    /// - Throws: `ContinuousDepthError.invalidOption(name: "maximumNewtonIterations", …)` below 1.
    public init(options: SolverOptions, controller: any StepSizeController = ProportionalIntegralController.standard,
                maximumNewtonIterations: Int = 10) throws {
        guard maximumNewtonIterations >= 1 else {
            throw ContinuousDepthError.invalidOption(name: "maximumNewtonIterations",
                                                     reason: "must be at least 1; got \(maximumNewtonIterations)")
        }
        self.options = options
        self.controller = controller
        self.maximumNewtonIterations = maximumNewtonIterations
    }

    /// - Throws: `ContinuousDepthError.invalidOption` naming a bad tolerance.
    public init(relativeTolerance: Double, absoluteTolerance: Double) throws {
        try self.init(options: try SolverOptions(relativeTolerance: relativeTolerance,
                                                 absoluteTolerance: absoluteTolerance))
    }

    /// Forward only, on tensors (the field's own parameters; a `TraceableField` is replayed for `f`).
    public func solve<Field: VectorField>(_ field: Field, initialState x0: Tensor, from t0: Double, to t1: Double,
                                          saving schedule: OutputSchedule, events: [ODEEvent],
                                          keepingDenseOutput: Bool) throws -> Trajectory {
        try solveCountingImplicitWork(field, initialState: Variable(x0),
                                      parameters: field.parameters.values.map { Variable($0) }, from: t0, to: t1,
                                      saving: schedule, events: events, keepingDenseOutput: keepingDenseOutput)
            .trajectory.values
    }

    public func solve<Field: VectorField>(_ field: Field, initialState x0: Variable, parameters theta: [Variable],
                                          from t0: Double, to t1: Double, saving schedule: OutputSchedule,
                                          events: [ODEEvent], keepingDenseOutput: Bool) throws -> VariableTrajectory {
        try solveCountingImplicitWork(field, initialState: x0, parameters: theta, from: t0, to: t1, saving: schedule,
                                      events: events, keepingDenseOutput: keepingDenseOutput).trajectory
    }

    /// As `solve`, with the implicit work (Jacobians, LU factorisations, Newton iterations) counted.
    ///
    /// - Throws: `ContinuousDepthError.invalidArgument`/`.invalidOption` for bad arguments;
    ///   `.nonFinite` when `f(t0, x0)` is not finite or steps keep failing with non-finite
    ///   values; `.stepSizeTooSmall`, `.tooManySteps`, `.evaluationBudgetExhausted` with the
    ///   statistics so far; the field's errors.
    public func solveCountingImplicitWork<Field: VectorField>(
        _ field: Field, initialState x0: Variable, parameters theta: [Variable], from t0: Double, to t1: Double,
        saving schedule: OutputSchedule, events: [ODEEvent] = [], keepingDenseOutput: Bool = false) throws
        -> (trajectory: VariableTrajectory, statistics: ImplicitSolverStatistics) {
        try solveCountingImplicitWork(field, initialState: x0, parameters: theta, from: t0, to: t1, saving: schedule,
                                      events: events, keepingDenseOutput: keepingDenseOutput, acceptedStep: nil)
    }

    /// As the public `solveCountingImplicitWork`, calling `acceptedStep(tₙ₊₁, yₙ₊₁, hₙ)` after
    /// every accepted step (the checkpointed stiff adjoint picks its checkpoints there).
    func solveCountingImplicitWork<Field: VectorField>(
        _ field: Field, initialState x0: Variable, parameters theta: [Variable], from t0: Double, to t1: Double,
        saving schedule: OutputSchedule, events: [ODEEvent], keepingDenseOutput: Bool,
        acceptedStep: ((_ time: Double, _ state: Tensor, _ stepSize: Double) throws -> Void)?) throws
        -> (trajectory: VariableTrajectory, statistics: ImplicitSolverStatistics) {
        let span = try IntegrationSpan(from: t0, to: t1, saving: schedule)
        try checkSolveArguments(field, initialState: x0, parameters: theta, at: t0)
        try options.tolerance.check(stateShape: x0.shape)
        let tableau = self.tableau
        let system = try BatchedStiffSystem(field, batch: x0.shape[0], parameters: theta.map(\.value),
                                        tolerance: options.tolerance)
        let stepper = DiagonallyImplicitStepper(tableau: tableau, system: system,
                                                maximumIterations: maximumNewtonIterations)
        let h0 = try options.initialStepSize
            ?? firstStepSize(system, state: x0.value, at: t0, order: tableau.order, direction: span.direction)
        let records = x0.isTracked || theta.contains(where: \.isTracked)
        var current = x0
        var tapeEvaluations = 0
        let driver = ImplicitStepDriver(options: options, controller: controller, errorOrder: tableau.embeddedOrder + 1)
        let outcome = try driver.integrate(
            span: span, initialState: x0, initialStepSize: h0, events: events, keepingDenseOutput: keepingDenseOutput,
            counting: system,
            attempt: { y, t, h in try stepper.attempt(from: y, at: t, by: h) },
            slope: { y, t in try stepper.slope(at: y, time: t) },
            record: { step, t, h, tNew in
                stepper.stepAccepted()
                if records {
                    current = try recordStep(field, stages: step.payload, from: current, parameters: theta, at: t, by: h)
                    tapeEvaluations += 1
                } else {
                    current = Variable(try system.tensor(step.state))
                }
                try acceptedStep?(tNew, current.value, h)
                return current
            })
        let trajectory = VariableTrajectory(times: outcome.times, states: outcome.states,
                                            statistics: system.statistics.solverStatistics,
                                            acceptedEvaluations: tapeEvaluations, events: outcome.events,
                                            interpolant: outcome.interpolant)
        return (trajectory, system.statistics)
    }

    /// `steps` equal steps from `t0` to `t1` without error control (for order
    /// measurements), forward only, with the implicit work counted.
    /// - Throws: `ContinuousDepthError.invalidArgument`/`.invalidOption` for bad arguments or a
    ///   stage iteration that fails at some step; the field's errors.
    public func solveFixedStep<Field: VectorField>(_ field: Field, initialState x0: Tensor, from t0: Double,
                                                   to t1: Double, steps: Int) throws
        -> (finalState: Tensor, statistics: ImplicitSolverStatistics) {
        try checkSolveArguments(field, initialState: Variable(x0),
                                parameters: field.parameters.values.map { Variable($0) }, at: t0)
        let system = try BatchedStiffSystem(field, batch: x0.shape[0], parameters: field.parameters.values,
                                        tolerance: options.tolerance)
        let stepper = DiagonallyImplicitStepper(tableau: tableau, system: system,
                                                maximumIterations: maximumNewtonIterations)
        let final = try ImplicitStepDriver.integrateFixed(
            from: t0, to: t1, steps: steps, initialState: x0.scalars,
            statistics: { system.statistics.solverStatistics },
            attempt: { y, t, h in try stepper.attempt(from: y, at: t, by: h) },
            accepted: { system.statistics.acceptedSteps += 1; stepper.stepAccepted() })
        return (try system.tensor(final), system.statistics)
    }

    /// The accepted step on the tape: `k₀ = f(tₙ, yₙ)` recorded, each implicit stage by the implicit-function rule.
    private func recordStep<Field: VectorField>(_ field: Field, stages z: [[Double]], from y: Variable,
                                                parameters theta: [Variable], at t: Double, by h: Double) throws -> Variable {
        let tableau = self.tableau
        let s = h * tableau.gamma
        var k: [Variable] = [try field(y, time: t, parameters: theta)]
        var last = y
        for i in 1..<tableau.stageCount {
            var explicitPart = y
            for j in 0..<i where tableau.a[i][j] != 0 {
                explicitPart = try explicitPart + k[j] * (h * tableau.a[i][j])
            }
            last = try ImplicitStageOperation.record(solution: z[i], explicitPart: explicitPart, scale: s,
                                                     time: t + tableau.c[i] * h, field: field, parameters: theta)
            k.append(try (last - explicitPart) / s)
        }
        if tableau.isStifflyAccurate { return last }
        var next = y
        for i in 0..<tableau.stageCount where tableau.b[i] != 0 { next = try next + k[i] * (h * tableau.b[i]) }
        return next
    }
}

/// Hairer's automatic first step for a method of order `order` (one extra evaluation of `f`).
func firstStepSize<System: BatchedImplicitSystem>(_ system: System, state x0: Tensor, at t0: Double,
                                       order: Int, direction: Double) throws -> Double {
    let f0 = try system.tensor(try system.evaluate(x0.scalars, at: t0))
    guard f0.isEntirelyFinite else {
        throw ContinuousDepthError.nonFinite(time: t0, statistics: system.statistics.solverStatistics)
    }
    return try InitialStepSize.hairer(order: order, tolerance: system.tolerance, at: t0, state: x0, derivative: f0,
                                      direction: direction) { y, t in
        try system.tensor(try system.evaluate(y.scalars, at: t))
    }
}
