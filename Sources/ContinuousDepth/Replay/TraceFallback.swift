// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Builds a trace-backed evaluator of a field, or returns nil when the field
/// cannot be traced, so that the caller evaluates the field itself (the same
/// values, recorded on a tape per evaluation, slower).
///
/// Only the "cannot be traced" errors lead to nil:
/// - `AutodiffError.notTraceable`: an operation has no forward kernel;
/// - `AutodiffError.traceMismatch`: the traces at the two sample points differ
///   (constants computed from the values, e.g. `logSumExp`) or do not reproduce
///   the function there;
/// - `AutodiffError.unsupported`: a custom operation whose pullback cannot be
///   recorded (adjoint traces record pullbacks).
///
/// Every other error (the field's own, a shape mismatch, mixed tapes) propagates:
/// it would fail the untraced evaluation as well and must not be hidden.
func traceUnlessUntraceable<Evaluator>(_ build: () throws -> Evaluator) throws -> Evaluator? {
    do {
        return try build()
    } catch let error as AutodiffError {
        switch error {
        case .notTraceable, .traceMismatch, .unsupported: return nil
        default: throw error
        }
    }
}
