// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The one solver protocol of the continuous side (the driver role):
/// integrate a batch `x0 [batch, d]` of the neural ODE
///
///     dx/dt = f(x, t; θ),   x(t0) = x0,
///
/// from `t0` towards `t1` (backwards when `t1 < t0`) and return one solution
/// value, a `Trajectory`: the states at the output times, the statistics, the
/// located `ODEEvent`s and, on request, the dense output (`DenseInterpolant`).
///
/// Own Runge–Kutta solvers (`DifferentiableODESolver`, which adds the
/// differentiable solve on variables), GSL steppers and implicit methods all
/// conform, so callers never branch on the backend. Options are checked once,
/// in `SolverOptions`; failures are `ContinuousDepthError`s that carry the time
/// reached and the statistics.
public protocol ODESolver: Sendable {
    /// Integrates from `x(t0) = x0` with the field's own parameters (forward only).
    ///
    /// - Parameters:
    ///   - field: `f`, evaluated on the whole batch at once.
    ///   - x0: `[batch, field.dimension]`, finite.
    ///   - t0: the initial time.
    ///   - t1: the final time (the solve runs backwards when `t1 < t0`).
    ///   - schedule: `.times(τ)` (inside `[t0, t1]`, ordered from `t0`; the solve
    ///     stops at the last one) or `.everyStep` (the accepted step ends, `t0` first).
    ///   - events: the `g(t, x) = 0` to locate; a terminal one stops the solve, and
    ///     the outputs after it are left out (`.everyStep` ends with the event's state).
    ///   - keepingDenseOutput: keep what `Trajectory.interpolant` needs (memory
    ///     grows with the number of steps); `false` leaves it `nil`.
    /// - Returns: the solution value.
    /// - Throws: `ContinuousDepthError` (`invalidArgument`/`invalidOption` for bad input;
    ///   `nonFinite`, `stepSizeTooSmall`, `tooManySteps`, `evaluationBudgetExhausted`,
    ///   `eventFunctionNotFinite` with the time reached and the statistics); the
    ///   field's and the event functions' own errors unchanged.
    func solve<Field: VectorField>(_ field: Field, initialState x0: Tensor, from t0: Double, to t1: Double,
                                   saving schedule: OutputSchedule, events: [ODEEvent],
                                   keepingDenseOutput: Bool) throws -> Trajectory
}

extension ODESolver {
    /// The states at `outputTimes` (default `[t1]`), no events, no dense output.
    public func solve<Field: VectorField>(_ field: Field, initialState x0: Tensor, from t0: Double, to t1: Double,
                                          at outputTimes: [Double]? = nil) throws -> Trajectory {
        try solve(field, initialState: x0, from: t0, to: t1, saving: .times(outputTimes ?? [t1]), events: [],
                  keepingDenseOutput: false)
    }

    /// The states on `schedule` (`.everyStep` for the step grid), no events, no dense output.
    public func solve<Field: VectorField>(_ field: Field, initialState x0: Tensor, from t0: Double, to t1: Double,
                                          saving schedule: OutputSchedule) throws -> Trajectory {
        try solve(field, initialState: x0, from: t0, to: t1, saving: schedule, events: [], keepingDenseOutput: false)
    }
}
