// SPDX-License-Identifier: GPL-3.0-or-later
import RungeKuttaMethods
import TensorCore

/// A fixed-step explicit Runge–Kutta solver on variables: the trivial step-size
/// controller (every step accepted) around one `RungeKuttaStep` per grid interval,
///
///     yₖ₊₁ = yₖ + hₖ Σᵢ bᵢ kᵢ,   kᵢ = f(tₖ + cᵢhₖ, yₖ + hₖ Σⱼ aᵢⱼ kⱼ),   tₖ = t0 + k·h
///
/// on the grid of `FixedStepGrid`. Global error O(hᵖ) with `p = tableau.order`;
/// `tableau.stageCount` evaluations per step (4 for RK4, 1 for Euler). No error
/// estimate and no rejection; an explicit method is only stable for `h·λ` inside
/// its stability region. With `.euler` and `h = T/L`, L steps are L residual blocks.
///
/// Outputs lie on the grid: `.everyStep` saves every `yₖ`, and each requested
/// time must be a grid time. Differentiable: with tracked inputs the tape holds every stage.
///
/// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.1.
public struct FixedStepSolver: DifferentiableODESolver {
    /// The explicit method (any tableau; an embedded pair's error estimate is not used).
    public let tableau: ButcherTableau
    /// A step count or a step size.
    public let spacing: FixedStepGrid.Spacing

    /// `stepCount` equal steps over each solve's span.
    /// - Throws: `ContinuousDepthError.invalidArgument` when `stepCount < 1`.
    public init(_ tableau: ButcherTableau, stepCount: Int) throws {
        guard stepCount >= 1 else {
            throw ContinuousDepthError.invalidArgument("stepCount must be at least 1; got \(stepCount)")
        }
        self.tableau = tableau
        self.spacing = .stepCount(stepCount)
    }

    /// Steps of magnitude `stepSize`, the last one shortened to end on `t1`.
    /// - Throws: `ContinuousDepthError.invalidArgument` unless `stepSize` is positive and finite.
    public init(_ tableau: ButcherTableau, stepSize: Double) throws {
        guard stepSize > 0, stepSize.isFinite else {
            throw ContinuousDepthError.invalidArgument(
                "stepSize must be positive and finite (its sign follows t0 → t1); got \(stepSize)")
        }
        self.tableau = tableau
        self.spacing = .stepSize(stepSize)
    }

    /// Integrates on the grid from `t0` to the last output time (see `DifferentiableODESolver`).
    /// - Throws: `ContinuousDepthError.invalidArgument` also for an output time off the grid;
    ///   `.nonFinite(time:)` with the first grid time whose state is NaN or infinite.
    public func solve<Field: VectorField>(_ field: Field, initialState x0: Variable, parameters theta: [Variable],
                                          from t0: Double, to t1: Double,
                                          saving schedule: OutputSchedule, events: [ODEEvent],
                                          keepingDenseOutput: Bool) throws -> VariableTrajectory {
        guard events.isEmpty, !keepingDenseOutput else {
            throw ContinuousDepthError.invalidOption(
                name: events.isEmpty ? "keepingDenseOutput" : "events",
                reason: "FixedStepSolver has no dense output to locate events or interpolate on; use EmbeddedRungeKuttaSolver")
        }
        let span = try IntegrationSpan(from: t0, to: t1, saving: schedule)
        let grid = try FixedStepGrid(from: t0, to: t1, spacing: spacing)
        try checkSolveArguments(field, initialState: x0, parameters: theta, at: t0)

        // Output k of the trajectory is the state after `indices[k]` steps.
        let indices: [Int]
        if let requested = span.outputTimes {
            indices = try requested.map { t in
                guard let k = grid.index(of: t) else {
                    throw ContinuousDepthError.invalidArgument(
                        "output time \(t) is not on the step grid t0 + k·h (t0 = \(t0), h = \(grid.stepSize)); "
                            + "save every step (.everyStep) or use an adaptive solver")
                }
                return k
            }
        } else {
            indices = Array(0...grid.stepCount)
        }
        let times = span.outputTimes ?? indices.map { grid.time(at: $0) }
        let lastStep = indices.last ?? 0

        var evaluations = 0
        let f = { (y: Variable, t: Double) throws -> Variable in
            evaluations += 1
            return try field(y, time: t, parameters: theta)
        }
        var states: [Variable] = []
        states.reserveCapacity(indices.count)
        var next = 0
        var y = x0
        for k in 0...lastStep {
            if k > 0 {
                y = try RungeKuttaStep(tableau, field: f, at: grid.time(at: k - 1), from: y,
                                       by: grid.stepSize(at: k - 1)).y
                guard y.value.isFinite else {
                    throw ContinuousDepthError.nonFinite(
                        time: grid.time(at: k),
                        statistics: SolverStatistics(functionEvaluations: evaluations, acceptedSteps: k - 1))
                }
            }
            while next < indices.count, indices[next] == k {
                states.append(y)
                next += 1
            }
        }
        return VariableTrajectory(times: times, states: states,
                                  statistics: SolverStatistics(functionEvaluations: evaluations, acceptedSteps: lastStep),
                                  acceptedEvaluations: evaluations)
    }
}
