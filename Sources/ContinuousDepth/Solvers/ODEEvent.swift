// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// An event of a solve: a time where the scalar function `g(t, x)` of the batch
/// state `x [batch, d]` crosses zero,
///
///     g(t*, x(t*)) = 0,   sign g changes across t* in the chosen direction.
///
/// The solver evaluates `g` at the end of every accepted step. When its sign
/// changes over a step `[tₙ, tₙ₊₁]` (a zero at `tₙ₊₁` counts, one at `tₙ` was
/// reported by the previous step), the crossing is located on the step's dense
/// output by a bracketing root finder (Brent's method, `BrentRoot`) until the
/// bracket is shorter than `timeTolerance`; the recorded time is the bracket end
/// on the far side of the crossing, so `g` has changed sign there. The state is
/// the dense output at that time, so its accuracy is the interpolant's (order
/// `DenseInterpolant.order` in the step size), not the root finder's.
///
/// Two crossings inside one step (an even number of sign changes) cannot be seen
/// from the step ends; limit `maximumStepSize` when `g` oscillates faster than
/// the solution. A terminal event stops the solve at its time: the output times
/// after it are not filled, and the trajectory's dense output ends there.
///
/// Not differentiated: event times and states are values (the step sizes and
/// the stop are constants of a backprop-through-solver gradient).
///
/// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.6 (dense output
/// and event location); Shampine & Thompson, "Event location for ordinary
/// differential equations", Comput. Math. Appl. 39 (2000).
public struct ODEEvent: Sendable {
    /// Which sign changes of `g` count.
    public enum Direction: Sendable, Equatable {
        /// `g` goes from negative to non-negative.
        case increasing
        /// `g` goes from positive to non-positive.
        case decreasing
        /// Both.
        case either
    }

    /// `g(t, x)`: a finite scalar of the time and the whole batch state `[batch, d]`.
    public let function: @Sendable (Double, Tensor) throws -> Double
    /// The sign changes that count.
    public let direction: Direction
    /// Whether the solve stops at the first occurrence.
    public let isTerminal: Bool
    /// The root finder stops when the bracket around `t*` is at most this long (absolute time).
    public let timeTolerance: Double

    /// An event on `g(t, x) = 0`.
    ///
    /// - Parameters:
    ///   - direction: `.either` by default.
    ///   - isTerminal: stop the solve at the first occurrence (default `false`).
    ///   - timeTolerance: `> 0`, finite; the bracket length at which the location stops (default 1e-12).
    ///   - function: `g`; a NaN or infinite value fails the solve with
    ///     `ContinuousDepthError.eventFunctionNotFinite`, its own errors pass through.
    /// - Throws: `ContinuousDepthError.invalidOption(name: "timeTolerance", …)`.
    public init(direction: Direction = .either, isTerminal: Bool = false, timeTolerance: Double = 1e-12,
                _ function: @escaping @Sendable (Double, Tensor) throws -> Double) throws {
        guard timeTolerance > 0, timeTolerance.isFinite else {
            throw ContinuousDepthError.invalidOption(name: "timeTolerance",
                                                     reason: "must be positive and finite; got \(timeTolerance)")
        }
        self.function = function
        self.direction = direction
        self.isTerminal = isTerminal
        self.timeTolerance = timeTolerance
    }

    /// Whether a change from `before` to `after` (both finite) is a crossing in this event's direction.
    func isCrossing(from before: Double, to after: Double) -> Bool {
        switch direction {
        case .increasing: return before < 0 && after >= 0
        case .decreasing: return before > 0 && after <= 0
        case .either: return (before < 0 && after >= 0) || (before > 0 && after <= 0)
        }
    }
}
