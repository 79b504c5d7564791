// SPDX-License-Identifier: GPL-3.0-or-later

extension GSLODESolver {
    /// Integrates with `stepCount` equal steps and no error control, saving
    /// every step: the residual-network view of the solver.
    ///
    ///     h = (t1 − t0) / stepCount,   tₖ = t0 + k·h,   yₖ₊₁ = Φ(tₖ, yₖ, h)
    ///
    /// where `Φ` is one call of GSL's stepper (`gsl_odeiv2_step_apply`). Times are
    /// computed as `t0 + k·h`, not accumulated, and the step is never rejected
    /// (unlike `gsl_odeiv2_driver_apply_fixed_step`, which still runs the error
    /// control). For step-doubling methods (`rk4`, `rk1imp`, `rk2imp`, `rk4imp`),
    /// `Φ` is two half steps. `maximumSteps` and the step-size bounds are not used.
    ///
    /// The explicit methods ignore the tolerances and converge with the order
    /// `gsl_odeiv2_step_order` reports (`rk2` with 3, the order of the value it
    /// propagates). The others still read them; measured with GSL 2.7.1 on
    /// `y' = −y` and `y' = y·cos t` (`GSLODESolver+FixedStepTests`):
    /// - `msadams`, `msbdf` raise their order only after steps whose error estimate
    ///   meets the tolerance, so the order depends on `h` and the tolerance together:
    ///   at 1e-6, order 1 for `h ≥ 1/80` and order 2 for `h ≤ 1/160`; at 1e-10, order 1
    ///   down to `h = 1/640`. `msadams` fails (`.library`) when its functional
    ///   iteration diverges: `h = 1/20` at 1e-6, every `h ≥ 1/640` at 1e-13.
    /// - `bsimp` ignores the step size and the tolerance for accuracy: each step
    ///   extrapolates to about 1e-14, at 139 evaluations of `f`.
    /// - The implicit Runge–Kutta methods fail (`.library`) at large steps when the
    ///   tolerance is tight (`rk1imp` at 1e-13: `h = 0.25` fails, `0.125` works), and
    ///   stop their iteration early when it is loose (`rk4imp` at 1e-6: the error
    ///   stays above 1e-9 however small `h` is; at 1e-10 it reaches 1e-12).
    ///
    /// - Parameters:
    ///   - t0: the initial time.
    ///   - t1: the final time (`t1 < t0` steps backwards; `t1 ≠ t0`).
    ///   - y0: `y(t0)`, `dimension` finite values.
    ///   - stepCount: the number of steps, at least 1.
    /// - Returns: `stepCount + 1` times `t0 + k·h` and states `yₖ`, `k = 0…stepCount`;
    ///   statistics with `acceptedSteps == stepCount` and no rejections.
    /// - Throws: `GSLODEError` for bad arguments, non-finite values, a stepper
    ///   failure (`.library`), or the right-hand side's own error, unchanged.
    public func solve(from t0: Double, to t1: Double, initial y0: [Double],
                      stepCount: Int) throws -> GSLODESolution {
        GSL.disableAbortOnError()
        try checkInitialState(y0, at: t0)
        guard stepCount >= 1 else {
            throw GSLODEError.invalidArgument(reason: "stepCount must be at least 1; got \(stepCount)")
        }
        let h = (t1 - t0) / Double(stepCount)
        guard h.isFinite, h != 0 else {
            throw GSLODEError.invalidArgument(
                reason: "need finite t0 ≠ t1 for a fixed step; got t0 = \(t0), t1 = \(t1), h = \(h)")
        }
        try startTrajectory(from: y0, initialStep: h)
        var times = [t0]
        var states = [y0]
        times.reserveCapacity(stepCount + 1)
        states.reserveCapacity(stepCount + 1)
        do {
            for k in 0..<stepCount {
                let t = t0 + Double(k) * h
                try applyStep(at: t, by: h)
                times.append(t0 + Double(k + 1) * h)
                states.append(Array(state))
            }
        } catch {
            lastStatistics = statistics(acceptedSteps: times.count - 1)
            lastStatistics.rejectedSteps = 0
            resetAfterFailure()
            throw error
        }
        // No step is ever retried here, whatever GSL's evolve object recorded.
        var fixedStepStatistics = statistics(acceptedSteps: stepCount)
        fixedStepStatistics.rejectedSteps = 0
        lastStatistics = fixedStepStatistics
        return GSLODESolution(times: times, states: states, statistics: fixedStepStatistics)
    }

    /// One step of GSL's stepper from `(t, y)` by `h`, with its error estimate,
    /// for cross-checks against other implementations.
    ///
    ///     y(t + h) ≈ Φ(t, y, h)
    ///
    /// Each call starts a fresh trajectory (multistep methods take their first,
    /// lowest-order step). Step-doubling methods (GSL's `rk4`, `rk1imp`, `rk2imp`,
    /// `rk4imp`) return two half steps of size `h/2`.
    ///
    /// - Throws: `GSLODEError` for bad arguments (`h` must be finite and non-zero),
    ///   a non-finite result, a stepper failure, or the right-hand side's own error.
    public func step(at t: Double, from y: [Double], by h: Double) throws -> GSLODEStep {
        GSL.disableAbortOnError()
        try checkInitialState(y, at: t)
        guard h.isFinite, h != 0 else {
            throw GSLODEError.invalidArgument(reason: "step size h must be finite and non-zero; got \(h)")
        }
        try startTrajectory(from: y, initialStep: h)
        do {
            try applyStep(at: t, by: h)
        } catch {
            resetAfterFailure()
            throw error
        }
        return GSLODEStep(state: Array(state), errorEstimate: Array(errorEstimate))
    }
}
