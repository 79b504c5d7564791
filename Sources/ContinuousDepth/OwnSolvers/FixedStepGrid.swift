// SPDX-License-Identifier: GPL-3.0-or-later

/// The time grid of a fixed-step solve from `t0` to `t1`:
///
///     tₖ = t0 + k·h  (k = 0 … N−1),   t_N = t1
///
/// computed from `k`, never accumulated, so the grid does not drift. With a
/// step count, `h = (t1 − t0)/N` and every step is `h`. With a step size `|h|`,
/// `N = ⌈|t1 − t0|/|h|⌉` and the last step `t1 − t_{N−1}` may be shorter
/// (a remainder below `10⁻⁹·h` counts as rounding, not as an extra step).
public struct FixedStepGrid: Sendable, Equatable {
    /// How the steps are given.
    public enum Spacing: Sendable, Equatable {
        /// `N` equal steps over the span.
        case stepCount(Int)
        /// Steps of this magnitude; the direction follows `t0 → t1`.
        case stepSize(Double)
    }

    /// `t0`.
    public let start: Double
    /// `t1 = t_N`.
    public let end: Double
    /// The signed step `h` (negative when integrating backwards).
    public let stepSize: Double
    /// `N`, the number of steps.
    public let stepCount: Int
    /// The signed length of the last step.
    public let lastStepSize: Double

    /// - Throws: `ContinuousDepthError.invalidArgument` for a bad span, a step count below 1,
    ///   a step size that is not positive and finite, or more than 2³¹ steps.
    /// The grid of `spacing` over the span from `t0` to `t1` (backwards when `t1 < t0`).
    public init(from t0: Double, to t1: Double, spacing: Spacing) throws {
        guard t0.isFinite, t1.isFinite, t0 != t1 else {
            throw ContinuousDepthError.invalidArgument("the time span needs finite t0 ≠ t1; got t0 = \(t0), t1 = \(t1)")
        }
        let direction: Double = t1 > t0 ? 1 : -1
        switch spacing {
        case let .stepCount(n):
            guard n >= 1 else {
                throw ContinuousDepthError.invalidArgument("stepCount must be at least 1; got \(n)")
            }
            stepCount = n
            stepSize = (t1 - t0) / Double(n)
            lastStepSize = stepSize
        case let .stepSize(magnitude):
            guard magnitude > 0, magnitude.isFinite else {
                throw ContinuousDepthError.invalidArgument(
                    "stepSize must be positive and finite (its sign follows t0 → t1); got \(magnitude)")
            }
            let ratio = Swift.abs(t1 - t0) / magnitude
            guard ratio < Double(1 << 31) else {
                throw ContinuousDepthError.invalidArgument(
                    "stepSize \(magnitude) needs \(ratio) steps from \(t0) to \(t1); at most 2³¹ are allowed")
            }
            stepCount = Swift.max(1, Int((ratio - 1e-9).rounded(.up)))
            stepSize = direction * magnitude
            lastStepSize = t1 - (t0 + Double(stepCount - 1) * stepSize)
        }
        start = t0
        end = t1
    }

    /// `tₖ` for `k = 0 … N` (`t_N` is `t1` exactly).
    public func time(at k: Int) -> Double {
        k >= stepCount ? end : start + Double(k) * stepSize
    }

    /// The signed size of step `k` (from `tₖ`), for `k = 0 … N−1`.
    public func stepSize(at k: Int) -> Double {
        k == stepCount - 1 ? lastStepSize : stepSize
    }

    /// The index `k` with `tₖ = t` (to `10⁻⁹·|h|`), or `nil` when `t` is off the grid.
    public func index(of t: Double) -> Int? {
        if t == end { return stepCount }
        let q = ((t - start) / stepSize).rounded()
        guard q.isFinite, q >= 0, q <= Double(stepCount) else { return nil }
        let k = Int(q)
        return Swift.abs(time(at: k) - t) <= 1e-9 * Swift.abs(stepSize) ? k : nil
    }
}
