// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// A solve with the iteration matrix of a linearly implicit step, recorded on the
/// tape as a function of the right-hand side and of the Jacobian variable
/// (`JacobianBlocksOperation`), block by block:
///
///     u_b = (I − s·J_b)⁻¹ r_b.
///
/// Differentiating `(I − sJ) u = r` gives `(I − sJ) du = dr + s·(dJ) u`, so with
/// `w_b = (I − sJ_b)⁻ᵀ ū_b`
///
///     r̄_b = w_b,   J̄_b = s · w_b u_bᵀ   (entry (i, j): s·w_{b,i}·u_{b,j}).
///
/// The pullback costs one transposed block solve and an outer product; the
/// second derivatives of `f` come later, once, in the Jacobian's own pullback,
/// after the tape has summed the `J̄` of every solve that shares it.
///
/// Differentiable once (reverse mode), like every `Variable.customOperation`.
///
/// Reference: Giles, *Collected matrix derivative results for forward and reverse
/// mode algorithmic differentiation* (2008), §2.3 (the derivative of a linear solve).
enum IterationMatrixSolveOperation {
    /// `u = (I − s·J)⁻¹ r` with `factorization` the LU of `I − s·J` at `jacobian`'s value.
    /// - Throws: `ContinuousDepthError.invalidArgument` when the shapes of `r`,
    ///   `jacobian` (`[batch, d·d]`) and the factorization do not match;
    ///   `BatchedLinearAlgebraError` from the solves.
    static func record(_ r: Variable, scale s: Double, jacobian: Variable,
                       factorization lu: BatchedLUFactorization) throws -> Variable {
        let batch = lu.batch, d = lu.dimension
        guard r.shape == [batch, d], jacobian.shape == [batch, d * d] else {
            throw ContinuousDepthError.invalidArgument(
                "a solve with \(batch) blocks of size \(d) needs a right-hand side [\(batch), \(d)] and a Jacobian "
                    + "[\(batch), \(d * d)]; got \(r.shape) and \(jacobian.shape)")
        }
        var solution = r.value.scalars
        try lu.solve(&solution)
        let u = solution
        let value = try Tensor(shape: r.shape, scalars: u)
        let differentiatesJacobian = jacobian.isTracked
        return try Variable.customOperation(value, inputs: [r, jacobian], name: "iteration-matrix solve") { uBar in
            var w = uBar.scalars
            try lu.solveTransposed(&w)
            let rBar = try Tensor(shape: [batch, d], scalars: w)
            guard differentiatesJacobian else { return [rBar, nil] }
            var jBar = [Double](repeating: 0, count: batch * d * d)
            for b in 0..<batch {
                for j in 0..<d {
                    let scaled = s * u[b * d + j]
                    for i in 0..<d { jBar[b * d * d + j * d + i] = w[b * d + i] * scaled }
                }
            }
            return [rBar, try Tensor(shape: [batch, d * d], scalars: jBar)]
        }
    }
}
