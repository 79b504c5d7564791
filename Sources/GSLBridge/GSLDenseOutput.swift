// SPDX-License-Identifier: GPL-3.0-or-later

/// The dense output of an adaptive GSL solve: the times `t₀, t₁, …, t_N` where
/// accepted steps ended, with the state and derivative `f(tₖ, yₖ)` at each, so
/// that `y(t)` can be read anywhere in the solved interval after the solve by the
/// cubic Hermite interpolant of the step containing `t` (`HermiteCubic`, error
/// `O(h⁴)` per step). Memory: `2·n·(N + 1)` values.
public struct GSLDenseOutput: Equatable, Sendable {
    /// `t₀ … t_N`, monotone in the direction of integration (one time when the solve took no step).
    public let times: [Double]
    /// `yₖ`, `n` values each, row by row.
    let states: [Double]
    /// `f(tₖ, yₖ)`, `n` values each, row by row.
    let derivatives: [Double]
    /// `n`.
    public let dimension: Int
    /// The order of GSL's stepper on each step `[tₖ, tₖ₊₁]` (`N` values): the order
    /// the accepted attempt used, which for the variable-order `msadams` and `msbdf`
    /// changes along the solve (a multistep replay needs it; see
    /// `ODECallbackContext.orderAtLastEvaluation` for how it is read).
    public let stepOrders: [Int]

    init(times: [Double], states: [Double], derivatives: [Double], dimension: Int, stepOrders: [Int]) {
        self.times = times
        self.states = states
        self.derivatives = derivatives
        self.dimension = dimension
        self.stepOrders = stepOrders
    }

    /// The interval `[min(t₀, t_N), max(t₀, t_N)]` covered.
    public var interval: ClosedRange<Double> {
        Swift.min(times[0], times[times.count - 1]) ... Swift.max(times[0], times[times.count - 1])
    }

    /// The state at knot `k` (a step end).
    public func state(atKnot k: Int) -> [Double] {
        Array(states[k * dimension ..< (k + 1) * dimension])
    }

    /// `y(t)` from the Hermite cubic of the step containing `t`.
    /// - Throws: `GSLODEError.invalidArgument` when `t` is not finite or outside `interval`.
    public func evaluate(at t: Double) throws -> [Double] {
        guard t.isFinite, interval.contains(t) else {
            throw GSLODEError.invalidArgument(
                reason: "the dense output covers [\(interval.lowerBound), \(interval.upperBound)]; got t = \(t)")
        }
        if times.count == 1 { return state(atKnot: 0) }
        let direction: Double = times[times.count - 1] >= times[0] ? 1 : -1
        // The first knot at or beyond t (binary search in the direction of integration).
        var low = 1
        var high = times.count - 1
        while low < high {
            let middle = (low + high) / 2
            if direction * (times[middle] - t) >= 0 { high = middle } else { low = middle + 1 }
        }
        let k = low
        let n = dimension
        var output = [Double](repeating: 0, count: n)
        states.withUnsafeBufferPointer { y in
            derivatives.withUnsafeBufferPointer { f in
                output.withUnsafeMutableBufferPointer { out in
                    HermiteCubic.interpolate(
                        at: t, from: times[k - 1], to: times[k],
                        startState: UnsafeBufferPointer(rebasing: y[(k - 1) * n ..< k * n]),
                        startDerivative: UnsafeBufferPointer(rebasing: f[(k - 1) * n ..< k * n]),
                        endState: UnsafeBufferPointer(rebasing: y[k * n ..< (k + 1) * n]),
                        endDerivative: UnsafeBufferPointer(rebasing: f[k * n ..< (k + 1) * n]),
                        into: out)
                }
            }
        }
        return output
    }
}
