// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import NetworkLayers
import RungeKuttaMethods
import TensorCore

/// Backprop through a GSL solve: GSL chooses the steps, the tape replays them.
///
/// 1. Solve with GSL (untracked), stepping onto the output times, and keep its
///    accepted step grid `t₀ < t₁ < … < t_N` (the dense output's knots).
/// 2. Replay every step `[tₖ, tₖ₊₁]` on variables with the stepper's own method
///    (`GSLStepType.makeStepReplay`, a `GSLStepReplay`; the explicit steppers
///    `rk2 rk4 rkf45 rkck rk8pd` by their tableau, the multistep `msadams` and
///    `msbdf` by their Nordsieck history with GSL's order of each step,
///    `NordsieckReplay`, the implicit `rk1imp rk2imp rk4imp` by `ImplicitRungeKuttaReplay`, `bsimp` by
///    its Bader–Deuflhard sweeps and extrapolation, `BaderDeuflhardReplay`),
///    so the autodiff differentiates the same discrete map:
///
///        xₖ₊₁ = Φ(tₖ, xₖ, hₖ; θ),   ∂ℓ/∂x₀, ∂ℓ/∂θ = exact derivatives of the discrete solution
///
/// with the step sizes constants (as `BackpropThroughSolver` on the own solvers).
/// The replayed states equal GSL's up to round-off (the same stages or linear
/// solves, summed in another order); for the multistep and implicit Runge–Kutta steppers, whose implicit
/// equations the replay solves to round-off where GSL iterates to a fraction of the
/// tolerance, up to GSL's iteration error (measured ≤ 2·rtol for the multistep ones,
/// ≤ 1e-10 at tol 1e-6 for rk1imp/rk2imp/rk4imp). Cost: the GSL solve plus one replayed solve on the tape
/// (the replay's evaluations are in `acceptedEvaluations`, not in `statistics`).
/// Events are located by GSL's solve (their times and states are values); a terminal
/// one ends the trajectory at its time with the step's cubic Hermite state, built
/// on the tape from the replayed step ends, so it is differentiated at a fixed time.
public struct GSLReplaySolver: DifferentiableODESolver {
    /// The GSL solver whose steps are replayed (its output mode is ignored: output times are stepped onto).
    public let solver: GSLNeuralODESolver

    public init(_ solver: GSLNeuralODESolver) {
        self.solver = solver
    }

    public func solve<Field: VectorField>(_ field: Field, initialState x0: Variable, parameters theta: [Variable],
                                          from t0: Double, to t1: Double, saving schedule: OutputSchedule,
                                          events: [ODEEvent], keepingDenseOutput: Bool) throws -> VariableTrajectory {
        try checkSolveArguments(field, initialState: x0, parameters: theta, at: t0)
        var replay = solver.stepType.makeStepReplay()
        // 1. GSL's grid, with the parameters' current values.
        var stepping = solver
        stepping.outputMode = .steppingOntoOutputTimes
        let bound = try ParameterBoundField(field: field, values: theta.map(\.value))
        let forward = try stepping.solve(bound, initialState: x0.value, from: t0, to: t1, saving: schedule, events: events,
                                         keepingDenseOutput: true)
        guard let dense = (forward.interpolant as? GSLHermiteInterpolant)?.denseOutput else {
            throw ContinuousDepthError.invalidArgument("the GSL solve kept no step grid to replay")
        }
        // 2. The same steps on the tape.
        let grid = dense.times
        guard dense.stepOrders.count == grid.count - 1 else {
            throw ContinuousDepthError.invalidArgument(
                "the GSL solve recorded \(dense.stepOrders.count) step orders for \(grid.count - 1) steps")
        }
        var evaluations = 0
        var states: [Variable] = []
        states.reserveCapacity(forward.times.count)
        var next = 0
        var y = x0
        func emit(at t: Double) {
            while next < forward.times.count, forward.times[next] == t {
                states.append(y)
                next += 1
            }
        }
        emit(at: grid[0])
        var previous = x0
        for k in 1..<grid.count {
            previous = y
            let step = GSLReplayedStep(start: grid[k - 1], stepSize: grid[k] - grid[k - 1], index: k - 1,
                                       endState: dense.state(atKnot: k), order: dense.stepOrders[k - 1])
            y = try replay.replay(step, from: y, field: field, parameters: theta, evaluations: &evaluations)
            guard y.value.isFinite else {
                throw ContinuousDepthError.nonFinite(time: grid[k], statistics: forward.statistics)
            }
            emit(at: grid[k])
        }
        // A terminal event stops the solve inside its last step: the output times there (the
        // event's among them) are GSL's cubic Hermite values, taken on the tape from the step's
        // replayed ends and the slopes there (event times are values, not differentiated).
        if next < forward.times.count, grid.count >= 2, forward.events.contains(where: \.isTerminal) {
            let (start, end) = (grid[grid.count - 2], grid[grid.count - 1])
            let h = end - start
            let startSlope = try field(previous, time: start, parameters: theta)
            let endSlope = try field(y, time: end, parameters: theta)
            evaluations += 2
            while next < forward.times.count {
                let s = (forward.times[next] - start) / h
                guard s >= 0, s <= 1 else { break }
                let (s2, s3) = (s * s, s * s * s)
                let weights = [2 * s3 - 3 * s2, (s3 - 2 * s2 + s) * h, -2 * s3 + 3 * s2, (s3 - s2) * h]
                states.append(try previous.adding([previous, startSlope, y, endSlope], scaledBy: weights))
                next += 1
            }
        }
        guard states.count == forward.times.count else {
            throw ContinuousDepthError.invalidArgument(
                "the replayed grid missed output times (\(states.count) of \(forward.times.count) found)")
        }
        return VariableTrajectory(times: forward.times, states: states, statistics: forward.statistics,
                                  acceptedEvaluations: evaluations, events: forward.events,
                                  interpolant: keepingDenseOutput ? forward.interpolant : nil)
    }
}

/// A field evaluated with given parameter values instead of its own (GSL solves
/// with the values the tape differentiates at).
private struct ParameterBoundField<Base: VectorField>: VectorField {
    let field: Base
    let parameters: ParameterList
    var dimension: Int { field.dimension }

    init(field: Base, values: [Tensor]) throws {
        self.field = field
        self.parameters = try ParameterList(names: field.parameters.names, values: values)
    }

    func callAsFunction(_ x: Variable, time t: Double, parameters theta: [Variable]) throws -> Variable {
        try field(x, time: t, parameters: theta)
    }
}
