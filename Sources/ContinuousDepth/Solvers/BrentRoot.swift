// SPDX-License-Identifier: GPL-3.0-or-later

/// Brent's bracketing root finder for a scalar `φ` on `[a, b]` with
/// `φ(a)·φ(b) < 0` (or `φ(b) = 0`): each iteration takes an inverse quadratic
/// interpolation or secant step when it stays well inside the bracket and
/// shrinks it fast enough, and a bisection step otherwise, so it converges
/// superlinearly on smooth `φ` and never slower than bisection (at most about
/// `log₂((b − a)/tolerance)²` evaluations). It stops when the bracket `[x, x′]`
/// around the sign change is at most `tolerance + 4ε|x|` long.
///
/// Reference: R. P. Brent, *Algorithms for Minimization without Derivatives*
/// (1973), ch. 4 (`zero`); Forsythe, Malcolm & Moler, *Computer Methods for
/// Mathematical Computations* (1977), `zeroin`.
enum BrentRoot {
    /// The final bracket: `φ(best)` has the smallest magnitude; `φ(best)` and
    /// `φ(other)` differ in sign unless `φ(best) = 0`.
    struct Bracket {
        let best: Double
        let valueAtBest: Double
        let other: Double
        let valueAtOther: Double
    }

    /// Shrinks `[a, b]` around the sign change of `φ`.
    /// - Throws: `ContinuousDepthError.invalidArgument` unless `φ(a)` and `φ(b)` are
    ///   finite with opposite signs (or `φ(b) = 0`); `φ`'s own errors.
    static func bracket(from a: Double, _ fa: Double, to b: Double, _ fb: Double, tolerance: Double,
                        _ phi: (Double) throws -> Double) throws -> Bracket {
        guard fa.isFinite, fb.isFinite, fb == 0 || (fa < 0) != (fb < 0), fa != 0 else {
            throw ContinuousDepthError.invalidArgument(
                "Brent's method needs a sign change; got φ(\(a)) = \(fa), φ(\(b)) = \(fb)")
        }
        var (a, fa, b, fb) = (a, fa, b, fb)
        var (c, fc) = (a, fa)
        var d = b - a
        var e = d
        // Far more than the ≈ 60² worst case of bisection-guarded steps on a double interval.
        for _ in 0..<4000 {
            if fb != 0, fc != 0, (fb > 0) == (fc > 0) {
                (c, fc) = (a, fa)
                d = b - a
                e = d
            }
            if Swift.abs(fc) < Swift.abs(fb) {
                (a, fa) = (b, fb)
                (b, fb) = (c, fc)
                (c, fc) = (a, fa)
            }
            let tol1 = 2 * Double.ulpOfOne * Swift.abs(b) + 0.5 * tolerance
            let xm = 0.5 * (c - b)
            if Swift.abs(xm) <= tol1 || fb == 0 {
                return Bracket(best: b, valueAtBest: fb, other: c, valueAtOther: fc)
            }
            if Swift.abs(e) >= tol1, Swift.abs(fa) > Swift.abs(fb) {
                let s = fb / fa
                var p: Double, q: Double
                if a == c {
                    p = 2 * xm * s  // secant
                    q = 1 - s
                } else {
                    let qa = fa / fc, r = fb / fc  // inverse quadratic interpolation
                    p = s * (2 * xm * qa * (qa - r) - (b - a) * (r - 1))
                    q = (qa - 1) * (r - 1) * (s - 1)
                }
                if p > 0 { q = -q } else { p = -p }
                if 2 * p < Swift.min(3 * xm * q - Swift.abs(tol1 * q), Swift.abs(e * q)) {
                    e = d
                    d = p / q
                } else {
                    d = xm
                    e = d
                }
            } else {
                d = xm
                e = d
            }
            (a, fa) = (b, fb)
            b += Swift.abs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1)
            fb = try phi(b)
            guard fb.isFinite else {
                throw ContinuousDepthError.invalidArgument("φ(\(b)) = \(fb) is not finite")
            }
        }
        return Bracket(best: b, valueAtBest: fb, other: c, valueAtOther: fc)
    }
}
