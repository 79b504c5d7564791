// SPDX-License-Identifier: GPL-3.0-or-later

/// Cubic Hermite interpolation on one step `[tₐ, t_b]` from the states and the
/// derivatives at both ends:
///
///     θ = (t − tₐ)/h,   h = t_b − tₐ
///     p(t) = (1 + 2θ)(1 − θ)²·yₐ + θ(1 − θ)²·h·fₐ + θ²(3 − 2θ)·y_b + θ²(θ − 1)·h·f_b
///
/// `p` matches `y` and `y′` at both ends; for smooth `y` the error is
///
///     y(t) − p(t) = y⁽⁴⁾(ξ)/4! · (t − tₐ)²(t − t_b)²,   so  |y − p| ≤ h⁴/384 · max |y⁽⁴⁾|,
///
/// fourth order in the step (Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.6,
/// eq. 6.7). Works for `h < 0` (a solve backwards in time) unchanged.
public enum HermiteCubic {
    /// The four weights `(wₐ, w′ₐ, w_b, w′_b)` of `yₐ, h·fₐ, y_b, h·f_b` at `θ`.
    @inlinable
    public static func weights(at theta: Double) -> (Double, Double, Double, Double) {
        let oneMinus = 1 - theta
        let squared = theta * theta
        return ((1 + 2 * theta) * oneMinus * oneMinus, theta * oneMinus * oneMinus,
                squared * (3 - 2 * theta), squared * (theta - 1))
    }

    /// `p(t)` for every component, written into `output` (`output.count` components).
    /// - Precondition (checked by the callers, never by user input): every buffer has `output.count` elements.
    static func interpolate(at t: Double, from start: Double, to end: Double,
                            startState: UnsafeBufferPointer<Double>, startDerivative: UnsafeBufferPointer<Double>,
                            endState: UnsafeBufferPointer<Double>, endDerivative: UnsafeBufferPointer<Double>,
                            into output: UnsafeMutableBufferPointer<Double>) {
        let h = end - start
        let (wa, wfa, wb, wfb) = weights(at: h == 0 ? 1 : (t - start) / h)
        for i in 0..<output.count {
            output[i] = wa * startState[i] + wfa * h * startDerivative[i] + wb * endState[i] + wfb * h * endDerivative[i]
        }
    }
}
