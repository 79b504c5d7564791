// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// States of a batch `[batch, d]` at requested times, with the solve's statistics.
public struct Trajectory: Sendable {
    /// The requested output times, in the order of integration.
    public let times: [Double]
    /// `states[k]` is the batch state at `times[k]`.
    public let states: [Tensor]
    public let statistics: SolverStatistics
    /// The step size (signed) the adaptive solver would take next at the last time,
    /// when it reports one (GSL solves): a first step for continuing, or for
    /// returning backwards as the continuous adjoint does.
    public let nextStepSize: Double?

    public init(times: [Double], states: [Tensor], statistics: SolverStatistics, nextStepSize: Double? = nil) {
        self.times = times
        self.states = states
        self.statistics = statistics
        self.nextStepSize = nextStepSize
    }

    /// The state at the last requested time.
    public var finalState: Tensor? { states.last }
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

/// What a continuous-side solve or gradient could not do, named precisely.
public enum ContinuousDepthError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A tolerance, step, time span or option out of range.
    case invalidArgument(String)
    /// A state or derivative became NaN or infinite at time `t`.
    case nonFinite(time: Double)
    /// The step size fell below what can make progress at time `t`.
    case stepSizeTooSmall(time: Double, stepSize: Double)
    /// More than `maximumSteps` steps were needed; the solve stopped at `time`.
    case tooManySteps(maximumSteps: Int, time: Double)

    public var description: String {
        switch self {
        case let .invalidArgument(reason): return reason
        case let .nonFinite(t): return "the solution became NaN or infinite at t = \(t)"
        case let .stepSizeTooSmall(t, h): return "step size \(h) too small to make progress at t = \(t)"
        case let .tooManySteps(n, t): return "more than \(n) steps needed; stopped at t = \(t)"
        }
    }
}
