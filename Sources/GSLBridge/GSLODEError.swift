// SPDX-License-Identifier: GPL-3.0-or-later

/// Why a `GSLODESolver` refused to start or stopped before the last output time.
///
/// Argument errors are thrown before GSL is called. An error thrown by the
/// user's right-hand side or Jacobian is not wrapped: the solve rethrows it
/// unchanged.
public enum GSLODEError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration value or argument is invalid; `reason` names it and its value.
    case invalidArgument(reason: String)
    /// An array has the wrong length (`y0`, a right-hand side result, a Jacobian).
    case dimensionMismatch(quantity: String, expected: Int, actual: Int)
    /// The step type evaluates the Jacobian but the system has none.
    case missingJacobian(stepType: GSLStepType)
    /// Output times must be ordered in the direction of integration and lie in `[t0, t1]`.
    case outputTimesInvalid(index: Int, time: Double, reason: String)
    /// More than `maximumSteps` attempted steps (accepted + rejected) were needed; `time` is where the solve stopped.
    case tooManySteps(maximumSteps: Int, time: Double)
    /// The next evaluation of `f` would have exceeded `maximumEvaluations`; `time` is
    /// the end of the last accepted step.
    case evaluationBudgetExhausted(maximumEvaluations: Int, time: Double)
    /// The step size proposed by the controller fell below `minimumStepSize` (GSL_ENOPROG).
    case stepSizeBelowMinimum(time: Double, stepSize: Double, minimumStepSize: Double)
    /// The tolerance cannot be met even by the smallest step that still changes
    /// `t` (GSL_FAILURE), typically a blow-up or a singularity near `time`.
    case stepSizeUnderflow(time: Double, stepSize: Double)
    /// The right-hand side returned NaN or ±Inf in component `component` at time `time`.
    case nonFiniteDerivative(time: Double, component: Int)
    /// The Jacobian returned NaN or ±Inf (entry `index` of `∂f/∂y`, then of `∂f/∂t`) at time `time`.
    case nonFiniteJacobian(time: Double, index: Int)
    /// A step produced a non-finite state component at time `time`.
    case nonFiniteState(time: Double, component: Int)
    /// Any other GSL status, with the operation that returned it.
    case library(operation: String, error: GSLError)

    /// A one-line message naming the problem, its values, and how to fix it where that is clear.
    public var description: String {
        switch self {
        case let .invalidArgument(reason):
            return "invalid argument: \(reason)"
        case let .dimensionMismatch(quantity, expected, actual):
            return "\(quantity) must have \(expected) elements; got \(actual)"
        case let .missingJacobian(stepType):
            return "step type \(stepType.rawValue) evaluates the Jacobian ∂f/∂y; "
                + "build the GSLODESystem with a jacobian, or use an explicit step type"
        case let .outputTimesInvalid(index, time, reason):
            return "output time \(time) at index \(index): \(reason)"
        case let .tooManySteps(maximumSteps, time):
            return "more than \(maximumSteps) attempted steps needed; stopped at t = \(time). "
                + "Raise maximumSteps or loosen the tolerances"
        case let .evaluationBudgetExhausted(maximumEvaluations, time):
            return "the budget of \(maximumEvaluations) evaluations of f is exhausted; stopped at t = \(time). "
                + "Raise maximumEvaluations or loosen the tolerances"
        case let .stepSizeBelowMinimum(time, stepSize, minimumStepSize):
            return "step size \(stepSize) at t = \(time) fell below minimumStepSize \(minimumStepSize)"
        case let .stepSizeUnderflow(time, stepSize):
            return "cannot meet the tolerance at t = \(time) even with step size \(stepSize) "
                + "(blow-up or singularity?)"
        case let .nonFiniteDerivative(time, component):
            return "right-hand side returned a non-finite value (NaN or ±Inf) in component \(component) at t = \(time)"
        case let .nonFiniteJacobian(time, index):
            return "Jacobian returned a non-finite value (NaN or ±Inf) at entry \(index) at t = \(time)"
        case let .nonFiniteState(time, component):
            return "state component \(component) became non-finite at t = \(time)"
        case let .library(operation, error):
            return "\(operation) failed: \(error)"
        }
    }
}
