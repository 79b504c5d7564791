// SPDX-License-Identifier: GPL-3.0-or-later

/// What a continuous-side solve or gradient could not do, named precisely.
///
/// Bad input is reported before any work (`invalidArgument`, `invalidOption`).
/// A solve that started and stopped early says why, the time it reached and
/// the `SolverStatistics` of the work done up to there (`statistics`,
/// `timeReached`), so that a failed experiment still reports its cost.
public enum ContinuousDepthError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A shape, time span or argument out of range.
    case invalidArgument(String)
    /// A `SolverOptions` field (or a solver's own option) out of range: `name` is the
    /// field (`relativeTolerance`, `maximumEvaluations`, …), `reason` what was wrong.
    case invalidOption(name: String, reason: String)
    /// A state or derivative became NaN or infinite at `time`.
    case nonFinite(time: Double, statistics: SolverStatistics)
    /// The step size fell below what can make progress (`hmin`, or 10 ulp of `t`) at `time`.
    case stepSizeTooSmall(time: Double, stepSize: Double, statistics: SolverStatistics)
    /// Another step was needed after `maximumSteps` attempted steps (accepted + rejected).
    case tooManySteps(maximumSteps: Int, time: Double, statistics: SolverStatistics)
    /// The next step would have exceeded `maximumEvaluations` evaluations of `f`.
    case evaluationBudgetExhausted(maximumEvaluations: Int, time: Double, statistics: SolverStatistics)
    /// Event function `index` returned NaN or an infinity at `time`.
    case eventFunctionNotFinite(index: Int, time: Double, statistics: SolverStatistics)
    /// The implicit stage equations of the step from `time` with step `stepSize` had no
    /// solution that Newton's method could reach within its iteration limit (a step too
    /// large for the problem, or stage equations without a real solution).
    case stageEquationsDidNotConverge(time: Double, stepSize: Double, statistics: SolverStatistics)

    /// The cost of the work done before a solve failed; `nil` for bad input.
    public var statistics: SolverStatistics? {
        switch self {
        case .invalidArgument, .invalidOption: return nil
        case let .nonFinite(_, s), let .stepSizeTooSmall(_, _, s), let .tooManySteps(_, _, s),
             let .evaluationBudgetExhausted(_, _, s), let .eventFunctionNotFinite(_, _, s),
             let .stageEquationsDidNotConverge(_, _, s):
            return s
        }
    }

    /// The time a failed solve reached; `nil` for bad input.
    public var timeReached: Double? {
        switch self {
        case .invalidArgument, .invalidOption: return nil
        case let .nonFinite(t, _), let .stepSizeTooSmall(t, _, _), let .tooManySteps(_, t, _),
             let .evaluationBudgetExhausted(_, t, _), let .eventFunctionNotFinite(_, t, _),
             let .stageEquationsDidNotConverge(t, _, _):
            return t
        }
    }

    public var description: String {
        switch self {
        case let .invalidArgument(reason): return reason
        case let .invalidOption(name, reason): return "option '\(name)': \(reason)"
        case let .nonFinite(t, s): return "the solution became NaN or infinite at t = \(t) (\(s))"
        case let .stepSizeTooSmall(t, h, s): return "step size \(h) too small to make progress at t = \(t) (\(s))"
        case let .tooManySteps(n, t, s):
            return "more than \(n) attempted steps needed; stopped at t = \(t) (\(s)). Raise maximumSteps or loosen the tolerances"
        case let .evaluationBudgetExhausted(n, t, s):
            return "the budget of \(n) evaluations of f is exhausted; stopped at t = \(t) (\(s))"
        case let .eventFunctionNotFinite(index, t, s):
            return "event function \(index) returned NaN or an infinity at t = \(t) (\(s))"
        case let .stageEquationsDidNotConverge(t, h, s):
            return "the implicit stage equations of the step from t = \(t) with h = \(h) did not converge (\(s)); "
                + "take smaller steps (a tighter tolerance or a smaller maximum step)"
        }
    }
}
