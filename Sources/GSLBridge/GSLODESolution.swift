// SPDX-License-Identifier: GPL-3.0-or-later

/// The result of a solve: `states[k]` is `y(times[k])`, plus the work it took.
public struct GSLODESolution: Equatable, Sendable {
    /// The output times, in the direction of integration.
    public let times: [Double]
    /// The states, `states[k]` being the `n` components of `y(times[k])`.
    public let states: [[Double]]
    /// Evaluations and steps of this solve.
    public let statistics: GSLODEStatistics
    /// The step size, signed, that the step-size control would take next at the
    /// last output time, not counting the cuts made to land on output times; nil
    /// for fixed-step solves. A solve that continues from there, or returns from
    /// there (an adjoint's backward pass), can start with it.
    public let nextStepSize: Double?
    /// The states and derivatives at every step end, to read `y(t)` anywhere in the
    /// solved interval (`GSLDenseOutput`); nil for fixed-step solves and when the
    /// solver does not keep it (`GSLODESolver.keepsDenseOutput`).
    public let denseOutput: GSLDenseOutput?

    /// Creates a solution from matching lists of times and states.
    public init(times: [Double], states: [[Double]], statistics: GSLODEStatistics, nextStepSize: Double? = nil,
                denseOutput: GSLDenseOutput? = nil) {
        self.times = times
        self.states = states
        self.statistics = statistics
        self.nextStepSize = nextStepSize
        self.denseOutput = denseOutput
    }

    /// The state at the last output time (`nil` when there are no outputs).
    public var finalState: [Double]? { states.last }
}
