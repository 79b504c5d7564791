// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Adaptive RODAS4, an L-stable stiffly accurate Rosenbrock method of order 4
/// with an embedded order-3 estimate, for stiff neural ODEs at batch scale:
/// one exact block Jacobian (`BlockDiagonalJacobian`) and one batched LU of
/// `I − hγJ_b` per step (`RosenbrockStepper`), six evaluations of `f` and six
/// block solves, no Newton iteration. Work per step is linear in the batch.
///
///     (I − hγJ) uᵢ = hγ [f(tₙ + cᵢh, yₙ + Σ aᵢⱼuⱼ) + Σ (Cᵢⱼ/h) uⱼ + dᵢ h ∂f/∂t],
///     yₙ₊₁ = yₙ + Σ mᵢ uᵢ,   error estimate u₆,
///
/// accepted when the weighted RMS norm of the estimate is at most 1 (PI
/// control with `k = 4`). Output times are step ends.
///
/// Forward only: its stages use `J` explicitly, so backpropagating through it
/// would need second derivatives of `f`; with tracked inputs `solve` throws and
/// names `Kvaerno5Solver` (backprop by the implicit-function rule) instead.
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.7 and §VI.4, `rodas.f`.
public struct Rodas4Solver: DifferentiableODESolver {
    /// The method: `RosenbrockTableau.rodas4`.
    public var tableau: RosenbrockTableau { .rodas4 }
    public let options: ImplicitSolverOptions
    /// PI control for an error estimate of order 3 (local error O(h⁴)).
    public let controller: ProportionalIntegralController

    public init(options: ImplicitSolverOptions, controller: ProportionalIntegralController? = nil) throws {
        self.options = options
        self.controller = try controller ?? ProportionalIntegralController(integralExponent: 0.7 / 4,
                                                                           proportionalExponent: 0.4 / 4)
    }

    /// - Throws: `ContinuousDepthError.invalidArgument` naming a bad option.
    public init(relativeTolerance: Double, absoluteTolerance: Double) throws {
        try self.init(options: try ImplicitSolverOptions(relativeTolerance: relativeTolerance,
                                                         absoluteTolerance: absoluteTolerance))
    }

    /// `steps` equal steps from `t0` to `t1` without error control (for order
    /// measurements), forward only, with the implicit work counted.
    /// - Throws: `ContinuousDepthError.invalidArgument` for bad arguments or a stage
    ///   iteration that fails at some step; the field's errors.
    public func solveFixedStep<Field: VectorField>(_ field: Field, initialState x0: Tensor, from t0: Double,
                                                   to t1: Double, steps: Int) throws
        -> (finalState: Tensor, statistics: ImplicitSolverStatistics) {
        let theta = field.parameters.values.map { Variable($0) }
        try checkSolveArguments(field, initialState: Variable(x0), parameters: theta, at: t0)
        let tableau = self.tableau
        let system = BatchedStiffSystem(field, batch: x0.shape[0], parameters: field.parameters.values,
                                        tolerance: options.tolerance)
        let stepper = RosenbrockStepper(tableau: tableau, system: system)
        let final = try ImplicitStepDriver.integrateFixed(
            from: t0, to: t1, steps: steps, initialState: x0.scalars,
            attempt: { y, t, h in try stepper.attempt(from: y, at: t, by: h) },
            accepted: { system.statistics.acceptedSteps += 1; () })
        return (try system.tensor(final), system.statistics)
    }

    public func solve<Field: VectorField>(_ field: Field, initialState x0: Variable, parameters theta: [Variable],
                                          from t0: Double, to t1: Double,
                                          saving schedule: OutputSchedule) throws -> VariableTrajectory {
        try solveCountingImplicitWork(field, initialState: x0, parameters: theta, from: t0, to: t1,
                                      saving: schedule).trajectory
    }

    /// As `solve`, with the implicit work (Jacobians, LU factorisations) counted.
    ///
    /// - Throws: `ContinuousDepthError.invalidArgument` for bad arguments or tracked
    ///   inputs; `.nonFinite`, `.stepSizeTooSmall`, `.tooManySteps` as the other adaptive solvers.
    public func solveCountingImplicitWork<Field: VectorField>(
        _ field: Field, initialState x0: Variable, parameters theta: [Variable], from t0: Double, to t1: Double,
        saving schedule: OutputSchedule) throws -> (trajectory: VariableTrajectory, statistics: ImplicitSolverStatistics) {
        let span = try IntegrationSpan(from: t0, to: t1, saving: schedule)
        try checkSolveArguments(field, initialState: x0, parameters: theta, at: t0)
        guard !x0.isTracked, !theta.contains(where: \.isTracked) else {
            throw ContinuousDepthError.invalidArgument(
                "rodas4 does not backpropagate (its stages use ∂f/∂x, so gradients would need second derivatives); "
                    + "use kvaerno5 for backprop through a stiff solve")
        }
        let system = BatchedStiffSystem(field, batch: x0.shape[0], parameters: theta.map(\.value),
                                        tolerance: options.tolerance)
        let stepper = RosenbrockStepper(tableau: tableau, system: system)
        let h0 = try options.initialStepSize
            ?? firstStepSize(system, state: x0.value, at: t0, order: tableau.order, direction: span.direction)
        var times: [Double] = []
        var states: [Variable] = []
        for time in span.outputTimes ?? [t0] where time == t0 {
            times.append(t0)
            states.append(x0)
        }
        var current = x0
        let driver = ImplicitStepDriver(options: options, controller: controller)
        try driver.integrate(
            span: span, initialState: x0.value.scalars, initialStepSize: h0,
            countAttempt: { accepted in
                if accepted { system.statistics.acceptedSteps += 1 } else { system.statistics.rejectedSteps += 1 }
            },
            attempt: { y, t, h in try stepper.attempt(from: y, at: t, by: h) },
            accept: { step, _, h, tNew, isOutput in
                if h != 0 { current = Variable(try system.tensor(step.state)) }
                if isOutput {
                    times.append(tNew)
                    states.append(current)
                }
            })
        let trajectory = VariableTrajectory(times: times, states: states, statistics: system.statistics.solverStatistics,
                                            acceptedEvaluations: 0)
        return (trajectory, system.statistics)
    }
}
