// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge

extension ContinuousDepthError {
    /// The continuous-depth reading of a GSL solver failure, or `nil` for
    /// `GSLODEError.library` (an unexpected GSL status with no counterpart here),
    /// which callers rethrow unchanged.
    ///
    /// | `GSLODEError` | `ContinuousDepthError` |
    /// | --- | --- |
    /// | `invalidArgument`, `dimensionMismatch`, `outputTimesInvalid`, `missingJacobian` | `invalidArgument` (GSL's message) |
    /// | `tooManySteps(n, t)` | `tooManySteps(n, t)` |
    /// | `evaluationBudgetExhausted(n, t)` | `evaluationBudgetExhausted(n, t)` |
    /// | `stepSizeBelowMinimum(t, h, _)`, `stepSizeUnderflow(t, h)` | `stepSizeTooSmall(t, h)` |
    /// | `nonFiniteDerivative(t, _)`, `nonFiniteJacobian(t, _)`, `nonFiniteState(t, _)` | `nonFinite(t)` |
    ///
    /// `GSLODEError` carries no statistics; the caller passes those of the failed
    /// solve (`GSLODESolver.lastStatistics`, see `translatingSolverErrors(of:_:)`).
    public init?(_ error: GSLODEError, statistics: SolverStatistics = SolverStatistics()) {
        switch error {
        case .invalidArgument, .dimensionMismatch, .outputTimesInvalid, .missingJacobian:
            self = .invalidArgument(error.description)
        case let .tooManySteps(maximumSteps, time):
            self = .tooManySteps(maximumSteps: maximumSteps, time: time, statistics: statistics)
        case let .evaluationBudgetExhausted(maximumEvaluations, time):
            self = .evaluationBudgetExhausted(maximumEvaluations: maximumEvaluations, time: time, statistics: statistics)
        case let .stepSizeBelowMinimum(time, stepSize, _):
            self = .stepSizeTooSmall(time: time, stepSize: stepSize, statistics: statistics)
        case let .stepSizeUnderflow(time, stepSize):
            self = .stepSizeTooSmall(time: time, stepSize: stepSize, statistics: statistics)
        case let .nonFiniteDerivative(time, _), let .nonFiniteJacobian(time, _), let .nonFiniteState(time, _):
            self = .nonFinite(time: time, statistics: statistics)
        case .library:
            return nil
        }
    }
}

extension ContinuousDepthError {
    /// The same failure with `extra` work added to its statistics (and, for an
    /// exhausted budget, the caller's whole `budget` restored): work done before
    /// the failing solve, such as the starting-step probe.
    func adding(_ extra: SolverStatistics, budget: Int?) -> ContinuousDepthError {
        switch self {
        case .invalidArgument, .invalidOption: return self
        case let .nonFinite(t, s): return .nonFinite(time: t, statistics: s + extra)
        case let .stepSizeTooSmall(t, h, s): return .stepSizeTooSmall(time: t, stepSize: h, statistics: s + extra)
        case let .tooManySteps(n, t, s): return .tooManySteps(maximumSteps: n, time: t, statistics: s + extra)
        case let .evaluationBudgetExhausted(n, t, s):
            return .evaluationBudgetExhausted(maximumEvaluations: budget ?? n, time: t, statistics: s + extra)
        case let .eventFunctionNotFinite(i, t, s): return .eventFunctionNotFinite(index: i, time: t, statistics: s + extra)
        case let .stageEquationsDidNotConverge(t, h, s):
            return .stageEquationsDidNotConverge(time: t, stepSize: h, statistics: s + extra)
        }
    }
}

/// Runs `body`, turning a `GSLODEError` into the matching `ContinuousDepthError`.
/// `GSLODEError.library` and every other error (for example one the vector
/// field threw) pass through unchanged.
func translatingSolverErrors<Result>(_ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let error as GSLODEError {
        throw ContinuousDepthError(error) ?? error
    }
}

/// Runs a solve of `solver`, turning a `GSLODEError` into the matching
/// `ContinuousDepthError` with the failed solve's statistics.
func translatingSolverErrors<Result>(of solver: GSLODESolver, _ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let error as GSLODEError {
        throw ContinuousDepthError(error, statistics: SolverStatistics(solver.lastStatistics)) ?? error
    }
}
