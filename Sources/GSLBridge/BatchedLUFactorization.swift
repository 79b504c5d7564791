// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL

/// LU factorisations with partial pivoting of `batch` independent `d × d`
/// matrices, the diagonal blocks of a block-diagonal matrix
///
///     M = diag(M₀, M₁, …, M_{batch−1}),   P_b M_b = L_b U_b,
///
/// by LAPACK's `dgetrf` (OpenBLAS) on each block; `solve` and
/// `solveTransposed` apply `M⁻¹` and `M⁻ᵀ` block by block with `dgetrs`.
///
/// Cost: `batch · (2/3)d³` flops to factor and `batch · 2d²` per solve, linear
/// in the batch, where a dense LU of the flattened `(batch·d)²` matrix costs
/// `(2/3)(batch·d)³`. This is the linear algebra of the implicit solvers of
/// `ContinuousDepth/Stiff`, whose Jacobian `∂f/∂x` of a batch of independent
/// samples is block diagonal.
///
/// Layout: block `b` occupies entries `b·d² ..< (b+1)·d²` of `blocks`, column
/// major (entry `(i, j)` of `M_b` at `b·d² + j·d + i`), which is how the
/// Jacobian's columns `∂f(x_b)/∂x_b · e_j` arrive. Right-hand sides are
/// `[batch, d]` row-major: sample `b`'s vector at `b·d ..< (b+1)·d`.
///
/// Reference: Golub & Van Loan, *Matrix Computations*, 4th ed., §3.4 (Gaussian
/// elimination with partial pivoting); LAPACK Users' Guide, `DGETRF`/`DGETRS`.
public struct BatchedLUFactorization: Sendable {
    /// The number of blocks.
    public let batch: Int
    /// The block size `d`.
    public let dimension: Int
    /// `L` and `U` of every block, packed as `dgetrf` leaves them.
    private var factors: [Double]
    /// `dgetrf`'s 1-based row interchanges, `d` per block.
    private var pivots: [Int32]

    /// Factors the blocks of `M`.
    ///
    /// - Parameters:
    ///   - blocks: `batch · d²` entries, block after block, each column major.
    ///   - batch: at least 1.
    ///   - dimension: `d ≥ 1`.
    /// - Throws: `BatchedLinearAlgebraError.shapeMismatch` for a wrong count,
    ///   `.nonFiniteEntry` for NaN or ±Inf, `.singularBlock` naming the first
    ///   block with an exactly zero pivot.
    public init(blocks: [Double], batch: Int, dimension: Int) throws(BatchedLinearAlgebraError) {
        try self.init(batch: batch, dimension: dimension, count: blocks.count) { factors in
            for k in 0..<factors.count { factors[k] = blocks[k] }
        }
    }

    /// Factors `M_b = I − s·J_b` for every block `J_b` of `jacobianBlocks`: the
    /// iteration matrix `I − hγJ` of a Rosenbrock or diagonally implicit step.
    ///
    /// - Throws: as `init(blocks:batch:dimension:)`; also `.nonFiniteEntry` for a non-finite `s`.
    public init(identityMinus s: Double, times jacobianBlocks: [Double], batch: Int, dimension: Int)
        throws(BatchedLinearAlgebraError) {
        guard s.isFinite else { throw .nonFiniteEntry(block: 0, row: 0, column: 0) }
        try self.init(batch: batch, dimension: dimension, count: jacobianBlocks.count) { factors in
            let d = dimension
            jacobianBlocks.withUnsafeBufferPointer { jacobian in
                for k in 0..<factors.count { factors[k] = -s * jacobian[k] }
            }
            for b in 0..<batch {
                for i in 0..<d { factors[b * d * d + i * d + i] += 1 }
            }
        }
    }

    private init(batch: Int, dimension: Int, count: Int,
                 fill: (UnsafeMutableBufferPointer<Double>) -> Void) throws(BatchedLinearAlgebraError) {
        guard batch >= 1, dimension >= 1, dimension <= Int(Int32.max) else {
            throw .invalidDimensions(batch: batch, dimension: dimension)
        }
        let (square, overflow1) = dimension.multipliedReportingOverflow(by: dimension)
        let (total, overflow2) = square.multipliedReportingOverflow(by: batch)
        guard !overflow1, !overflow2, total == count else {
            throw .shapeMismatch(batch: batch, dimension: dimension, count: count)
        }
        self.batch = batch
        self.dimension = dimension
        var factors = [Double](repeating: 0, count: total)
        var pivots = [Int32](repeating: 0, count: batch * dimension)
        factors.withUnsafeMutableBufferPointer { fill($0) }
        if let index = factors.firstIndex(where: { !$0.isFinite }) {
            let within = index % square
            throw .nonFiniteEntry(block: index / square, row: within % dimension, column: within / dimension)
        }
        var singular: Int? = nil
        factors.withUnsafeMutableBufferPointer { a in
            pivots.withUnsafeMutableBufferPointer { p in
                var n = Int32(dimension), info: Int32 = 0
                for b in 0..<batch {
                    dgetrf_(&n, &n, a.baseAddress! + b * square, &n, p.baseAddress! + b * dimension, &info)
                    if info != 0, singular == nil { singular = b }
                }
            }
        }
        if let singular { throw .singularBlock(block: singular) }
        self.factors = factors
        self.pivots = pivots
    }

    /// Overwrites `rhs` (`[batch, d]` row-major) with `M⁻¹·rhs`, block by block.
    /// - Throws: `BatchedLinearAlgebraError.shapeMismatch` unless `rhs` has `batch·d` entries.
    public func solve(_ rhs: inout [Double]) throws(BatchedLinearAlgebraError) {
        try solve(&rhs, transposed: false)
    }

    /// Overwrites `rhs` with `M⁻ᵀ·rhs` (each block transposed): the adjoint's
    /// and the implicit-function rule's linear solve.
    /// - Throws: `BatchedLinearAlgebraError.shapeMismatch` unless `rhs` has `batch·d` entries.
    public func solveTransposed(_ rhs: inout [Double]) throws(BatchedLinearAlgebraError) {
        try solve(&rhs, transposed: true)
    }

    private func solve(_ rhs: inout [Double], transposed: Bool) throws(BatchedLinearAlgebraError) {
        guard rhs.count == batch * dimension else {
            throw .shapeMismatch(batch: batch, dimension: dimension, count: rhs.count)
        }
        let d = dimension, square = dimension * dimension
        rhs.withUnsafeMutableBufferPointer { x in
            factors.withUnsafeBufferPointer { a in
                pivots.withUnsafeBufferPointer { p in
                    var n = Int32(d), one: Int32 = 1, info: Int32 = 0
                    var trans: CChar = transposed ? 84 : 78  // "T" or "N"
                    for b in 0..<batch {
                        dgetrs_(&trans, &n, &one, a.baseAddress! + b * square, &n, p.baseAddress! + b * d,
                                x.baseAddress! + b * d, &n, &info)
                    }
                }
            }
        }
    }
}
