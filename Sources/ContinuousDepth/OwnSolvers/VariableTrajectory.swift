// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The solution of a solve on variables (`DifferentiableODESolver`): the states
/// of a batch `[batch, d]` at the output times, as variables. When the initial
/// state or the parameters are tracked, every state is a node of the same tape
/// and a loss on them can be differentiated through the solver.
public struct VariableTrajectory {
    /// The output times, in the order of integration.
    public let times: [Double]
    /// `states[k]` is the batch state at `times[k]`.
    public let states: [Variable]
    /// Evaluations and accepted / rejected steps of the solve.
    public let statistics: SolverStatistics
    /// Evaluations of `f` made by the accepted steps (with the initial `f(t0, x0)`):
    /// at most this many vector–Jacobian products of `f` in a backward pass.
    /// Rejected attempts and an initial-step probe are excluded.
    public let acceptedEvaluations: Int
    /// The step size (signed) the adaptive solver's controller proposed after its last
    /// accepted step, `h·factor` (see `Trajectory.nextStepSize`); `nil` for fixed steps.
    public let nextStepSize: Double?
    /// The located events (values, not differentiated).
    public let events: [ODEEventOccurrence]
    /// The dense output on plain tensors, when the solve kept it.
    public let interpolant: (any DenseInterpolant)?

    /// A trajectory from its parts (one state per time).
    public init(times: [Double], states: [Variable], statistics: SolverStatistics, acceptedEvaluations: Int,
                nextStepSize: Double? = nil, events: [ODEEventOccurrence] = [],
                interpolant: (any DenseInterpolant)? = nil) {
        self.times = times
        self.states = states
        self.statistics = statistics
        self.acceptedEvaluations = acceptedEvaluations
        self.nextStepSize = nextStepSize
        self.events = events
        self.interpolant = interpolant
    }

    /// The state at the last output time.
    public var finalState: Variable? { states.last }

    /// The same trajectory as plain tensors (derivatives dropped).
    public var values: Trajectory {
        Trajectory(times: times, states: states.map(\.value), statistics: statistics, nextStepSize: nextStepSize,
                   events: events, interpolant: interpolant)
    }
}
