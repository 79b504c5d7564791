// SPDX-License-Identifier: GPL-3.0-or-later

/// The result of a solve: `states[k]` is `y(times[k])`, plus the work it took.
public struct GSLODESolution: Equatable, Sendable {
    /// The output times, in the direction of integration.
    public let times: [Double]
    /// The states, `states[k]` being the `n` components of `y(times[k])`.
    public let states: [[Double]]
    /// Evaluations and steps of this solve.
    public let statistics: GSLODEStatistics

    /// Creates a solution from matching lists of times and states.
    public init(times: [Double], states: [[Double]], statistics: GSLODEStatistics) {
        self.times = times
        self.states = states
        self.statistics = statistics
    }

    /// The state at the last output time (`nil` when there are no outputs).
    public var finalState: [Double]? { states.last }
}
