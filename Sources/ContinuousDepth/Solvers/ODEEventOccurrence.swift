// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// One located zero of an `ODEEvent`: which event, when, and the state there.
public struct ODEEventOccurrence: Sendable, Equatable {
    /// The index of the event in the list passed to the solve.
    public let index: Int
    /// `t*`, within the event's `timeTolerance` of the zero of `g` on the dense output.
    public let time: Double
    /// `x(t*)` from the dense output, `[batch, d]`.
    public let state: Tensor
    /// Whether this occurrence stopped the solve.
    public let isTerminal: Bool

    public init(index: Int, time: Double, state: Tensor, isTerminal: Bool) {
        self.index = index
        self.time = time
        self.state = state
        self.isTerminal = isTerminal
    }
}
