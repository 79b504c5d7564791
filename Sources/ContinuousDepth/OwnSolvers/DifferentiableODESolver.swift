// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A driver that integrates a neural ODE on variables,
///
///     dx/dt = f(x, t; θ),   x(t0) = x0 [batch, d],
///
/// with ResODE's own Runge–Kutta steps (`RungeKuttaStep`), so that the core
/// autodiff can differentiate through every accepted step. The batch is one
/// flat system of dimension `batch·d`.
///
/// With untracked `x0` and `θ` nothing is recorded (no tape): that is the fast
/// forward path, `solve(_:initialState:from:to:at:)` on tensors.
public protocol DifferentiableODESolver: ODESolver {
    /// Integrates from `t0` towards `t1` (backwards when `t1 < t0`) on variables.
    ///
    /// - Parameters:
    ///   - field: `f`, evaluated on the whole batch at once.
    ///   - x0: the initial state `[batch, field.dimension]`, finite.
    ///   - theta: the parameters in `field.parameters.names` order; tracked to differentiate.
    ///   - t0: the initial time.
    ///   - t1: the final time (the solve runs backwards when `t1 < t0`).
    ///   - schedule: `.times(τ)` (inside `[t0, t1]`, ordered from `t0`) or `.everyStep`, as in `ODESolver`.
    ///   - events: the `g(t, x) = 0` to locate; a terminal one stops the solve, as in `ODESolver`.
    ///   - keepingDenseOutput: keep what `VariableTrajectory.interpolant` needs; `false` leaves it `nil`.
    /// - Returns: the states at the output times (on the tape when the inputs are
    ///   tracked), the cost of the solve, the events and the dense output.
    /// - Throws: as `ODESolver.solve`.
    func solve<Field: VectorField>(_ field: Field, initialState x0: Variable, parameters theta: [Variable],
                                   from t0: Double, to t1: Double, saving schedule: OutputSchedule,
                                   events: [ODEEvent], keepingDenseOutput: Bool) throws -> VariableTrajectory
}

extension DifferentiableODESolver {
    /// On variables, without events or dense output.
    public func solve<Field: VectorField>(_ field: Field, initialState x0: Variable, parameters theta: [Variable],
                                          from t0: Double, to t1: Double,
                                          saving schedule: OutputSchedule) throws -> VariableTrajectory {
        try solve(field, initialState: x0, parameters: theta, from: t0, to: t1, saving: schedule, events: [],
                  keepingDenseOutput: false)
    }

    /// Forward only (`ODESolver`): integrates with the field's own parameters on
    /// untracked variables, so no tape is created. A `TraceableField` is evaluated
    /// by replaying its trace (`ReplayedField`), or by itself when it cannot be traced
    /// (`traceUnlessUntraceable`); other tracing errors are thrown.
    public func solve<Field: VectorField>(_ field: Field, initialState x0: Tensor, from t0: Double, to t1: Double,
                                          saving schedule: OutputSchedule, events: [ODEEvent],
                                          keepingDenseOutput: Bool) throws -> Trajectory {
        let theta = field.parameters.values.map { Variable($0) }
        if let traceable = field as? any TraceableField, x0.rank == 2,
           let replayed = try traceUnlessUntraceable({ try ReplayedField(traceable, batchSize: x0.shape[0]) }) {
            return try solve(replayed, initialState: Variable(x0), parameters: theta, from: t0, to: t1,
                             saving: schedule, events: events, keepingDenseOutput: keepingDenseOutput).values
        }
        return try solve(field, initialState: Variable(x0), parameters: theta, from: t0, to: t1, saving: schedule,
                         events: events, keepingDenseOutput: keepingDenseOutput).values
    }
}

/// Checks the shapes every own solver relies on: `x0 [batch, d]` finite, one variable per parameter.
func checkSolveArguments<Field: VectorField>(_ field: Field, initialState x0: Variable, parameters theta: [Variable],
                                              at t0: Double) throws {
    guard x0.rank == 2, x0.shape[1] == field.dimension else {
        throw ContinuousDepthError.invalidArgument(
            "the initial state must have shape [batch, \(field.dimension)]; got \(x0.shape)")
    }
    guard theta.count == field.parameters.count else {
        throw ContinuousDepthError.invalidArgument(
            "the field has \(field.parameters.count) parameter tensors (\(field.parameters.names)); got \(theta.count)")
    }
    guard x0.value.isFinite else { throw ContinuousDepthError.nonFinite(time: t0, statistics: SolverStatistics()) }
}
