// SPDX-License-Identifier: GPL-3.0-or-later

/// Why an eigenvalue or singular-value computation refused its input or failed.
public enum GSLLinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The element count is not `rows · columns`.
    case shapeMismatch(operation: String, rows: Int, columns: Int, count: Int)
    /// The dimensions are not usable: non-positive, or not square where a square matrix is needed.
    case invalidDimensions(operation: String, rows: Int, columns: Int, reason: String)
    /// An entry is NaN or ±Inf.
    case nonFiniteEntry(operation: String, row: Int, column: Int)
    /// GSL's iteration did not converge (e.g. `GSL_EMAXITER` from the QR algorithm).
    case notConverged(operation: String, error: GSLError)
    /// Any other GSL failure, such as an allocation failure.
    case library(operation: String, error: GSLError)

    /// A one-line message naming the operation, the shape or entry, and the problem.
    public var description: String {
        switch self {
        case let .shapeMismatch(operation, rows, columns, count):
            return "\(operation): a \(rows)×\(columns) matrix needs \(rows)·\(columns) elements in row-major order; got \(count)"
        case let .invalidDimensions(operation, rows, columns, reason):
            return "\(operation): invalid \(rows)×\(columns) matrix: \(reason)"
        case let .nonFiniteEntry(operation, row, column):
            return "\(operation): entry (\(row), \(column)) is not finite (NaN or ±Inf)"
        case let .notConverged(operation, error):
            return "\(operation) did not converge: \(error)"
        case let .library(operation, error):
            return "\(operation) failed: \(error)"
        }
    }
}
