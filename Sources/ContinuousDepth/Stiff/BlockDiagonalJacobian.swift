// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// The Jacobian `∂f/∂x` of a batched vector field, stored as its `batch`
/// diagonal blocks: the rows of a batch do not interact (`VectorField`), so
///
///     ∂f/∂x = diag(J₀, …, J_{batch−1}),   J_b = ∂f(x_b, t)/∂x_b   (d × d).
///
/// All blocks come from `d` Jacobian–vector products of the core's forward
/// mode, evaluated at once: the batch is repeated `d` times, copy `j` carrying
/// the tangent `e_j` on every row, so one forward-mode call of `f` on
/// `d·batch` rows returns every column `J_b·e_j` (exact to rounding, never a
/// finite difference). Cost: one tangent-carrying evaluation of `f` on a batch
/// `d` times larger, i.e. linear in the batch.
///
/// Blocks are stored column major, block after block (`BatchedLUFactorization`'s layout).
public struct BlockDiagonalJacobian: Sendable {
    /// The number of blocks (samples).
    public let batch: Int
    /// The state width `d`.
    public let dimension: Int
    /// `batch · d²` entries: `∂f_i(x_b)/∂x_{b,j}` at `b·d² + j·d + i`.
    public let blocks: [Double]

    /// Blocks given directly (column major, block after block).
    /// - Throws: `ContinuousDepthError.invalidArgument` unless there are `batch·d²` entries.
    public init(batch: Int, dimension: Int, blocks: [Double]) throws {
        guard batch >= 1, dimension >= 1, blocks.count == batch * dimension * dimension else {
            throw ContinuousDepthError.invalidArgument(
                "a block-diagonal Jacobian of \(batch) blocks of size \(dimension) needs \(batch)·\(dimension)² entries; got \(blocks.count)")
        }
        self.batch = batch
        self.dimension = dimension
        self.blocks = blocks
    }

    /// The blocks of `∂f/∂x` at `(x, t)` with parameters `theta` (constants).
    ///
    /// - Parameters:
    ///   - field: `f`, whose forward mode (JVP) gives one column of every block per evaluation.
    ///   - x: `[batch, field.dimension]`.
    ///   - t: the time at which `∂f/∂x` is taken.
    ///   - theta: the parameters in `field.parameters.names` order, held constant.
    /// - Throws: `ContinuousDepthError.invalidArgument` for a wrongly shaped state; the field's errors.
    public init<Field: VectorField>(of field: Field, at x: Tensor, time t: Double, parameters theta: [Tensor]) throws {
        let d = field.dimension
        guard x.rank == 2, x.shape[1] == d, x.shape[0] >= 1 else {
            throw ContinuousDepthError.invalidArgument("the state must have shape [batch, \(d)]; got \(x.shape)")
        }
        let batch = x.shape[0]
        let n = batch * d
        let states = x.scalars
        var repeated = [Double](repeating: 0, count: d * n)
        var tangents = [Double](repeating: 0, count: d * n)
        for j in 0..<d {
            let copy = j * n
            for k in 0..<n { repeated[copy + k] = states[k] }
            for b in 0..<batch { tangents[copy + b * d + j] = 1 }
        }
        let constants = theta.map { Variable($0) }
        let (_, product) = try jacobianVectorProduct(
            at: [try Tensor(shape: [d * batch, d], scalars: repeated)],
            tangents: [try Tensor(shape: [d * batch, d], scalars: tangents)]) { inputs in
                try field(inputs[0], time: t, parameters: constants)
            }
        guard product.count == d * n else {
            throw ContinuousDepthError.invalidArgument(
                "the field must map [batch, \(d)] to [batch, \(d)] row by row; its JVP has shape \(product.shape)")
        }
        let columns = product.scalars
        var blocks = [Double](repeating: 0, count: batch * d * d)
        for j in 0..<d {
            for b in 0..<batch {
                let source = (j * batch + b) * d, target = b * d * d + j * d
                for i in 0..<d { blocks[target + i] = columns[source + i] }
            }
        }
        try self.init(batch: batch, dimension: d, blocks: blocks)
    }

    /// Entry `(i, j)` of block `b`: `∂f_i(x_b)/∂x_{b,j}`.
    public func entry(block b: Int, row i: Int, column j: Int) -> Double {
        blocks[b * dimension * dimension + j * dimension + i]
    }

    /// `LU` of `I − s·J_b` for every block: the iteration matrix of a step with `s = hγ`.
    /// - Throws: `BatchedLinearAlgebraError` naming a singular or non-finite block.
    public func factorIterationMatrix(scale s: Double) throws -> BatchedLUFactorization {
        try BatchedLUFactorization(identityMinus: s, times: blocks, batch: batch, dimension: dimension)
    }
}
