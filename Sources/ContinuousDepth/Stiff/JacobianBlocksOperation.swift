// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The block Jacobian `J = ∂f/∂y (t, y; θ)` of a batch recorded on the tape as a
/// variable of its own, so that the many linear solves of one linearly implicit
/// step (`IterationMatrixSolveOperation`) pass their `J`-cotangents through one
/// node: the tape sums them before this pullback runs once.
///
/// The value is `BlockDiagonalJacobian`'s blocks, `[batch, d·d]`, entry `(b, j·d + i)`
/// holding `∂f_i/∂y_{b,j}` (each block column major). For a cotangent `J̄`, with
/// `c_{b,j} = J̄_b[:, j]` (column `j` of sample `b`'s block),
///
///     ⟨J̄, dJ⟩ = Σ_{b,j} c_{b,j}ᵀ d(∂f(y_b)/∂y_b · e_j)
///     ⇒ (ȳ, θ̄) = ∇_{y,θ} Σ_{b,j} c_{b,j}ᵀ (∂f(y_b)/∂y_b) e_j = H_φ · (E, 0),
///     φ(Y, θ) = Σ_{j,b} c_{b,j}ᵀ f(Y_{j,b}; θ)
///
/// on the batch repeated `d` times (`Y_{j,b} = y_b`, direction `E_{j,b} = e_j`),
/// then `ȳ_b = Σ_j (H_φ·(E, 0))_{j,b}`: one Hessian–vector product of `f` on a
/// batch `d` times larger (forward mode over the recorded reverse pass, exact to
/// rounding), whatever the number of solves that used `J`.
///
/// Differentiable once (reverse mode), like every `Variable.customOperation`.
///
/// Reference: Pearlmutter, *Fast exact multiplication by the Hessian*, Neural
/// Comput. 6 (1994); Griewank & Walther, *Evaluating Derivatives*, 2nd ed., §3.3
/// (adjoints accumulate at a shared intermediate).
enum JacobianBlocksOperation {
    /// `J(t, y; θ)` as a tape variable `[batch, d·d]` and as the blocks it holds (for factoring).
    /// - Throws: `ContinuousDepthError.invalidArgument` for a wrongly shaped `y`; the field's errors.
    static func record<Field: VectorField>(_ field: Field, at y: Variable, time t: Double,
                                           parameters theta: [Variable]) throws -> (blocks: Variable, jacobian: BlockDiagonalJacobian) {
        let point = y.value
        let thetaValues = theta.map(\.value)
        let jacobian = try BlockDiagonalJacobian(of: field, at: point, time: t, parameters: thetaValues)
        let d = jacobian.dimension, batch = jacobian.batch
        let value = try Tensor(shape: [batch, d * d], scalars: jacobian.blocks)
        guard y.isTracked || theta.contains(where: \.isTracked) else { return (Variable(value), jacobian) }
        let blocks = try Variable.customOperation(value, inputs: [y] + theta, name: "block Jacobian") { jBar in
            let cotangent = jBar.scalars, states = point.scalars
            let n = batch * d
            var repeated = [Double](repeating: 0, count: d * n)
            var weights = [Double](repeating: 0, count: d * n)
            var directions = [Double](repeating: 0, count: d * n)
            for j in 0..<d {
                for b in 0..<batch {
                    let row = (j * batch + b) * d
                    for i in 0..<d {
                        repeated[row + i] = states[b * d + i]
                        weights[row + i] = cotangent[b * d * d + j * d + i]
                    }
                    directions[row + j] = 1
                }
            }
            let weight = Variable(try Tensor(shape: [d * batch, d], scalars: weights))
            let (_, _, products) = try hessianVectorProduct(
                at: [try Tensor(shape: [d * batch, d], scalars: repeated)] + thetaValues,
                directions: [try Tensor(shape: [d * batch, d], scalars: directions)]
                    + thetaValues.map { Tensor.zeros(like: $0) }) { inputs in
                    try (weight * field(inputs[0], time: t, parameters: Array(inputs[1...]))).sum()
                }
            let copies = products[0].scalars
            var yBar = [Double](repeating: 0, count: n)
            for j in 0..<d {
                for k in 0..<n { yBar[k] += copies[j * n + k] }
            }
            return [try Tensor(shape: point.shape, scalars: yBar)] + products.dropFirst().map { Optional($0) }
        }
        return (blocks, jacobian)
    }
}
