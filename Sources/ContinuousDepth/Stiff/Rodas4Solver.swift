// SPDX-License-Identifier: GPL-3.0-or-later
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
/// Forward only (an `ODESolver`, not a `DifferentiableODESolver`): its stages
/// use `J` explicitly, so backpropagating through them would need second
/// derivatives of `f`. Gradients: `Kvaerno5Solver` (backprop by the
/// implicit-function rule) or the continuous adjoint.
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.7 (eq. (7.3′)) and
/// §VI.4 (RODAS); the coefficients of Hairer's `rodas.f`.
public struct Rodas4Solver: ODESolver {
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

    public func solve<Field: VectorField>(_ field: Field, initialState x0: Tensor, from t0: Double, to t1: Double,
                                          saving schedule: OutputSchedule, events: [ODEEvent],
                                          keepingDenseOutput: Bool) throws -> Trajectory {
        try solveCountingImplicitWork(field, initialState: x0, from: t0, to: t1, saving: schedule, events: events,
                                      keepingDenseOutput: keepingDenseOutput).trajectory
    }

    /// As `solve`, with the implicit work (Jacobians, LU factorisations) counted.
    ///
    /// - Throws: `ContinuousDepthError.invalidArgument`/`.invalidOption` for bad arguments;
    ///   `.nonFinite`, `.stepSizeTooSmall`, `.tooManySteps`, `.evaluationBudgetExhausted`
    ///   with the statistics so far; the field's errors.
    public func solveCountingImplicitWork<Field: VectorField>(
        _ field: Field, initialState x0: Tensor, from t0: Double, to t1: Double, saving schedule: OutputSchedule,
        events: [ODEEvent] = [], keepingDenseOutput: Bool = false) throws
        -> (trajectory: Trajectory, statistics: ImplicitSolverStatistics) {
        let span = try IntegrationSpan(from: t0, to: t1, saving: schedule)
        let theta = field.parameters.values
        try checkSolveArguments(field, initialState: Variable(x0), parameters: theta.map { Variable($0) }, at: t0)
        try options.tolerance.check(stateShape: x0.shape)
        let system = try BatchedStiffSystem(field, batch: x0.shape[0], parameters: theta, tolerance: options.tolerance)
        let stepper = RosenbrockStepper(tableau: tableau, system: system)
        let h0 = try options.initialStepSize
            ?? firstStepSize(system, state: x0, at: t0, order: tableau.order, direction: span.direction)
        let driver = ImplicitStepDriver(options: options, controller: controller, errorOrder: tableau.embeddedOrder + 1)
        let outcome = try driver.integrate(
            span: span, initialState: Variable(x0), initialStepSize: h0, events: events,
            keepingDenseOutput: keepingDenseOutput,
            statistics: { system.statistics.solverStatistics },
            countAttempt: { accepted in
                if accepted { system.statistics.acceptedSteps += 1 } else { system.statistics.rejectedSteps += 1 }
            },
            attempt: { y, t, h in try stepper.attempt(from: y, at: t, by: h) },
            slope: { y, t in try stepper.slope(at: y, time: t) },
            record: { step, _, _, _ in Variable(try system.tensor(step.state)) })
        let trajectory = Trajectory(times: outcome.times, states: outcome.states.map(\.value),
                                    statistics: system.statistics.solverStatistics, events: outcome.events,
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
}
