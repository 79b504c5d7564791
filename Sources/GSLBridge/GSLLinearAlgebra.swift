// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL

/// Dense eigenvalue and singular-value routines of GSL on row-major `[Double]`
/// matrices, for spectra of Jacobians and Hessians.
///
/// An `m×n` matrix `A` is passed as its `m·n` entries in row-major order
/// (`A[i][j]` at index `i·n + j`) with `rows = m`, `columns = n`. Inputs are
/// checked (shape, finiteness) before GSL is called, and never modified.
public enum GSLLinearAlgebra {
    /// Checks shape and finiteness; `square` additionally requires `rows == columns`.
    static func validate(_ scalars: [Double], rows: Int, columns: Int, square: Bool,
                         operation: String) throws(GSLLinearAlgebraError) {
        guard rows >= 1, columns >= 1 else {
            throw .invalidDimensions(operation: operation, rows: rows, columns: columns,
                                     reason: "rows and columns must be at least 1")
        }
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, count == scalars.count else {
            throw .shapeMismatch(operation: operation, rows: rows, columns: columns, count: scalars.count)
        }
        if square && rows != columns {
            throw .invalidDimensions(operation: operation, rows: rows, columns: columns,
                                     reason: "a square matrix is required")
        }
        if let index = scalars.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteEntry(operation: operation, row: index / columns, column: index % columns)
        }
    }

    /// Maps a GSL status: `GSL_EMAXITER` and `GSL_ENOPROG` become `.notConverged`, others `.library`.
    static func check(_ status: Int32, operation: String) throws(GSLLinearAlgebraError) {
        do {
            try GSL.check(status)
        } catch {
            if error == .maximumIterationsExceeded || error == .noProgress {
                throw .notConverged(operation: operation, error: error)
            }
            throw .library(operation: operation, error: error)
        }
    }
}
