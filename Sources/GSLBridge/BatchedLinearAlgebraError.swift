// SPDX-License-Identifier: GPL-3.0-or-later

/// Why a batched block factorisation (`BatchedLUFactorization`) refused its input.
public enum BatchedLinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The batch or the block size is below 1 (or too large for LAPACK's 32-bit sizes).
    case invalidDimensions(batch: Int, dimension: Int)
    /// The element count is not `batch · d²` (blocks) or `batch · d` (right-hand sides).
    case shapeMismatch(batch: Int, dimension: Int, count: Int)
    /// Entry `(row, column)` of block `block` is NaN or ±Inf.
    case nonFiniteEntry(block: Int, row: Int, column: Int)
    /// Block `block` has an exactly zero pivot: it is singular.
    case singularBlock(block: Int)

    /// A one-line message naming the block and the problem.
    public var description: String {
        switch self {
        case let .invalidDimensions(batch, dimension):
            return "batched LU: need batch ≥ 1 and block size 1…\(Int32.max); got batch \(batch), block size \(dimension)"
        case let .shapeMismatch(batch, dimension, count):
            return "batched LU: \(batch) blocks of size \(dimension) need \(batch)·\(dimension)² entries "
                + "(or \(batch)·\(dimension) for a right-hand side); got \(count)"
        case let .nonFiniteEntry(block, row, column):
            return "batched LU: entry (\(row), \(column)) of block \(block) is not finite (NaN or ±Inf)"
        case let .singularBlock(block):
            return "batched LU: block \(block) is singular (a zero pivot)"
        }
    }
}
