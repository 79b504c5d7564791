// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The event part of a driver loop, shared by every solver: remembers `g` at the
/// last accepted step end and, for each new step `[tₙ, tₙ₊₁]`, finds the
/// events whose sign changed (see `ODEEvent`) and locates each crossing with
/// Brent's method on the step's dense output `θ ↦ x(tₙ + θh)`, to the event's
/// `timeTolerance`. A driver calls `init` at `t0` and `occurrences(…)` after
/// every accepted step, and stops at the first terminal occurrence.
public struct EventLocator {
    /// The events, in the caller's order (occurrences refer to them by index).
    public let events: [ODEEvent]
    private var previousValues: [Double]

    /// Evaluates every `g(t0, x0)`.
    /// - Throws: `ContinuousDepthError.eventFunctionNotFinite` (with `statistics`)
    ///   for a NaN or infinite value; the event functions' own errors.
    public init(_ events: [ODEEvent], at t0: Double, state x0: Tensor, statistics: SolverStatistics) throws {
        self.events = events
        self.previousValues = try events.enumerated().map { index, event in
            try EventLocator.evaluate(event, index: index, at: t0, state: x0, statistics: statistics)
        }
    }

    /// Whether there is nothing to locate.
    public var isEmpty: Bool { events.isEmpty }

    /// The occurrences in the accepted step from `t` to `tNew` (a zero at `tNew`
    /// counts), earliest first, ending with the first terminal one if any.
    ///
    /// - Parameters:
    ///   - t: the time at the start of the accepted step.
    ///   - tNew: the time at its end (before `t` when integrating backwards).
    ///   - stateAtEnd: `x(tNew)` (so that `g` at the step end is exact).
    ///   - statistics: the solve's statistics so far, for the errors.
    ///   - interpolate: the step's dense output, `t ↦ x(t)` for `t` between `t` and `tNew`.
    /// - Throws: `ContinuousDepthError.eventFunctionNotFinite`; the event functions'
    ///   and the interpolant's own errors.
    public mutating func occurrences(from t: Double, to tNew: Double, stateAtEnd: Tensor,
                                     statistics: SolverStatistics,
                                     interpolate: (Double) throws -> Tensor) throws -> [ODEEventOccurrence] {
        guard !events.isEmpty else { return [] }
        let h = tNew - t
        var found: [ODEEventOccurrence] = []
        var newValues: [Double] = []
        newValues.reserveCapacity(events.count)
        for (index, event) in events.enumerated() {
            let before = previousValues[index]
            let after = try EventLocator.evaluate(event, index: index, at: tNew, state: stateAtEnd, statistics: statistics)
            newValues.append(after)
            guard event.isCrossing(from: before, to: after) else { continue }
            var theta = 1.0
            if after != 0 {
                let bracket = try BrentRoot.bracket(from: 0, before, to: 1, after,
                                                    tolerance: event.timeTolerance / Swift.abs(h)) { theta in
                    try EventLocator.evaluate(event, index: index, at: t + theta * h,
                                              state: try interpolate(t + theta * h), statistics: statistics)
                }
                // Report the bracket end on the far side of the crossing, where g has its new sign (or is 0).
                let bestIsAfter = bracket.valueAtBest == 0 || (bracket.valueAtBest < 0) == (after < 0)
                theta = bestIsAfter ? bracket.best : bracket.other
            }
            let time = theta == 1 ? tNew : t + theta * h
            let state = theta == 1 ? stateAtEnd : try interpolate(time)
            found.append(ODEEventOccurrence(index: index, time: time, state: state, isTerminal: event.isTerminal))
        }
        previousValues = newValues
        let direction: Double = h >= 0 ? 1 : -1
        found.sort { direction * ($0.time - $1.time) < 0 || ($0.time == $1.time && $0.index < $1.index) }
        if let firstTerminal = found.firstIndex(where: \.isTerminal) {
            found.removeSubrange((firstTerminal + 1)...)
        }
        return found
    }

    static func evaluate(_ event: ODEEvent, index: Int, at t: Double, state: Tensor,
                         statistics: SolverStatistics) throws -> Double {
        let value = try event.function(t, state)
        guard value.isFinite else {
            throw ContinuousDepthError.eventFunctionNotFinite(index: index, time: t, statistics: statistics)
        }
        return value
    }
}
