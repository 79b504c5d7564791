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
    /// | `stepSizeBelowMinimum(t, h, _)`, `stepSizeUnderflow(t, h)` | `stepSizeTooSmall(t, h)` |
    /// | `nonFiniteDerivative(t, _)`, `nonFiniteJacobian(t, _)`, `nonFiniteState(t, _)` | `nonFinite(t)` |
    ///
    /// `GSLODEError` carries no statistics yet, so the caller passes what it knows
    /// (`SolverStatistics()` when nothing): the GSL side of the solver protocol is
    /// to report the statistics of the failed solve here.
    public init?(_ error: GSLODEError, statistics: SolverStatistics = SolverStatistics()) {
        switch error {
        case .invalidArgument, .dimensionMismatch, .outputTimesInvalid, .missingJacobian:
            self = .invalidArgument(error.description)
        case let .tooManySteps(maximumSteps, time):
            self = .tooManySteps(maximumSteps: maximumSteps, time: time, statistics: statistics)
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
