// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The dense output of a finished solve: `x(t)` for any `t` between the start and
/// the time the solve reached, from the accepted steps alone (no new evaluation
/// of `f`), piecewise a polynomial in `t` on each step,
///
///     x(tₙ + θhₙ) ≈ pₙ(θ),   θ ∈ [0, 1],   pₙ(0) = xₙ,  pₙ(1) = xₙ₊₁.
///
/// The own Runge–Kutta solvers give their method's continuous extension
/// (`RungeKuttaDenseOutput`); a GSL solve gives the cubic Hermite interpolant of
/// the step ends' states and derivatives. `order` is the interpolant's local
/// accuracy `q`: the error inside a step is `O(hₙ^(q+1))`, so at output times
/// the solution keeps the method's accuracy when `q ≥ order − 1` (DOPRI5: 4, Hermite: 3).
public protocol DenseInterpolant: Sendable {
    /// `t0`.
    var startTime: Double { get }
    /// The time the solve reached (`t1`, the last output time, or a terminal event).
    var endTime: Double { get }
    /// `q`: the interpolation error inside a step of size `h` is `O(h^(q+1))`.
    var order: Int { get }
    /// `x(t)`, shape `[batch, d]`.
    /// - Throws: `ContinuousDepthError.invalidArgument` when `t` lies outside `[startTime, endTime]`
    ///   (either order) or is not finite.
    func value(at t: Double) throws -> Tensor
}

extension DenseInterpolant {
    /// `x(tₖ)` at each of `times`.
    /// - Throws: as `value(at:)`.
    public func values(at times: [Double]) throws -> [Tensor] {
        try times.map { try value(at: $0) }
    }

    /// Checks that `t` lies in the interpolated span (either direction of integration).
    /// - Throws: `ContinuousDepthError.invalidArgument` naming `t` and the span.
    public func checkCovers(_ t: Double) throws {
        let (low, high) = (Swift.min(startTime, endTime), Swift.max(startTime, endTime))
        guard t.isFinite, t >= low, t <= high else {
            throw ContinuousDepthError.invalidArgument(
                "the dense output covers [\(low), \(high)]; cannot evaluate it at t = \(t)")
        }
    }
}
