// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The one solution value of a solve (`ODESolver`): the states of a batch
/// `[batch, d]` at the output times, the solve's statistics, the events it found
/// and, when asked for, a dense interpolant of the whole solution.
public struct Trajectory: Sendable {
    /// The output times, in the order of integration. After a terminal event the
    /// output times beyond it are absent (see `events`).
    public let times: [Double]
    /// `states[k]` is the batch state at `times[k]`.
    public let states: [Tensor]
    public let statistics: SolverStatistics
    /// The step size (signed) the adaptive solver would take next at the last time,
    /// when it reports one (GSL solves, `EmbeddedRungeKuttaSolver`): a first step for continuing, or for
    /// returning backwards as the continuous adjoint does.
    public let nextStepSize: Double?
    /// The event occurrences found, in the order of integration (`ODEEvent`).
    public let events: [ODEEventOccurrence]
    /// `x(t)` for any `t` between `t0` and the time the solve reached, when the
    /// solve kept its dense output (`keepingDenseOutput: true`); otherwise `nil`.
    public let interpolant: (any DenseInterpolant)?

    public init(times: [Double], states: [Tensor], statistics: SolverStatistics, nextStepSize: Double? = nil,
                events: [ODEEventOccurrence] = [], interpolant: (any DenseInterpolant)? = nil) {
        self.times = times
        self.states = states
        self.statistics = statistics
        self.nextStepSize = nextStepSize
        self.events = events
        self.interpolant = interpolant
    }

    /// The state at the last output time.
    public var finalState: Tensor? { states.last }

    /// The terminal event that stopped the solve, if one did.
    public var terminalEvent: ODEEventOccurrence? { events.last { $0.isTerminal } }
}

/// A loss value with its gradients with respect to the initial state and every
/// parameter of the field, and what each pass cost.
public struct ODEGradient: Sendable {
    public let loss: Double
    /// `∂ℓ/∂x(t₀)`, shape `[batch, d]`.
    public let initialState: Tensor
    /// `∂ℓ/∂θ`, in the field's `parameters.names` order.
    public let parameters: [Tensor]
    public let forward: SolverStatistics
    public let backward: SolverStatistics

    public init(loss: Double, initialState: Tensor, parameters: [Tensor], forward: SolverStatistics, backward: SolverStatistics) {
        self.loss = loss
        self.initialState = initialState
        self.parameters = parameters
        self.forward = forward
        self.backward = backward
    }
}
