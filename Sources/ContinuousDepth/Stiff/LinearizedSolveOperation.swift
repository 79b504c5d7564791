// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// One linear solve with the iteration matrix of a linearly implicit step,
/// recorded on the tape as a function of the right-hand side, of the point
/// where the Jacobian is taken and of the parameters:
///
///     u = (I − s·J)⁻¹ r,   J = ∂f/∂y (t, y; θ)   (the batch's d × d blocks),
///
/// which is how a Rosenbrock stage (`Rodas4Solver`) or a linearised implicit
/// step (GSL's `bsimp`) depends on its inputs. Differentiating
/// `(I − sJ) u = r` gives `(I − sJ) du = dr + s·(dJ) u`, so with
/// `w = (I − sJ)⁻ᵀ ū` the pullback is
///
///     r̄ = w,   (ȳ, θ̄) = s · ∇_{y,θ} [ wᵀ J(y, θ) u ]   (u, w held fixed)
///                     = s · H_φ · (u, 0),   φ(y, θ) = Σ_b w_bᵀ f(t, y_b; θ),
///
/// because `wᵀ J u = ∇_y φ · u`: the second term is one Hessian–vector product
/// of the scalar `φ` in the direction `(u, 0)` (`hessianVectorProduct`:
/// forward mode over the recorded reverse pass, exact to rounding, no finite
/// differences). Cost of a pullback: one transposed batched block solve and
/// one Hessian–vector product of `f` (skipped when neither `y` nor `θ` is
/// tracked); the forward reuses the caller's LU when it has one.
///
/// The pullback works on tensors, so the operation is differentiable once
/// (reverse mode), like every `Variable.customOperation`.
///
/// When many solves share one `J` (GSL's `bsimp`: 145 per step), record `J` once
/// instead (`JacobianBlocksOperation` with `IterationMatrixSolveOperation`): its
/// pullback is one Hessian–vector product on the batch repeated `d` times, whatever
/// the number of solves. Per step that costs about `d` of the products here, so it
/// pays when the solves sharing `J` outnumber `d`; a Rosenbrock step has six solves
/// (`Rodas4Solver`, with `d` = 16 on W4), and keeps this one.
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.7 (Rosenbrock methods);
/// Giles, *Collected matrix derivative results for forward and reverse mode
/// algorithmic differentiation* (2008), the results for the inverse and the linear solve;
/// Pearlmutter, *Fast exact multiplication by the Hessian*, Neural Comput. 6 (1994).
enum LinearizedSolveOperation {
    /// u = (I − s·J)⁻¹ r with J = ∂f/∂y at (t, y; θ); `factorization`, when given, is the LU of I − sJ at y's value (reused).
    ///
    /// - Parameters:
    ///   - r: the right-hand side `[batch, field.dimension]`.
    ///   - s: the scale of `J` (`hγ` for a Rosenbrock step), finite.
    ///   - y: the point of the Jacobian, of `r`'s shape.
    ///   - t: the time of the Jacobian.
    ///   - field: `f`.
    ///   - theta: the parameters in `field.parameters.names` order.
    ///   - factorization: the LU of `I − sJ(t, y.value; θ.value)`, or `nil` to compute it.
    /// - Throws: `ContinuousDepthError.invalidArgument` for mismatched shapes, a
    ///   non-finite scale or a factorization of another size;
    ///   `BatchedLinearAlgebraError.singularBlock` (or `.nonFiniteEntry`) naming the block
    ///   when `I − sJ` is singular; the field's errors.
    static func record<Field: VectorField>(_ r: Variable, scale s: Double, jacobianAt y: Variable, time t: Double,
                                           field: Field, parameters theta: [Variable],
                                           factorization: BatchedLUFactorization?) throws -> Variable {
        let d = field.dimension
        guard y.rank == 2, y.shape[1] == d, y.shape[0] >= 1 else {
            throw ContinuousDepthError.invalidArgument("the Jacobian's point must have shape [batch, \(d)]; got \(y.shape)")
        }
        guard r.shape == y.shape else {
            throw ContinuousDepthError.invalidArgument(
                "the right-hand side must have the shape of the Jacobian's point \(y.shape); got \(r.shape)")
        }
        guard s.isFinite else {
            throw ContinuousDepthError.invalidArgument("the scale of I − s·J must be finite; got \(s)")
        }
        let point = y.value
        let thetaValues = theta.map(\.value)
        let lu = try factorization
            ?? BlockDiagonalJacobian(of: field, at: point, time: t, parameters: thetaValues).factorIterationMatrix(scale: s)
        guard lu.batch == y.shape[0], lu.dimension == d else {
            throw ContinuousDepthError.invalidArgument(
                "the factorization has \(lu.batch) blocks of size \(lu.dimension); the state has shape \(y.shape)")
        }
        var solution = r.value.scalars
        try lu.solve(&solution)
        let u = try Tensor(shape: y.shape, scalars: solution)
        let differentiatesPoint = y.isTracked || theta.contains(where: \.isTracked)
        return try Variable.customOperation(u, inputs: [r, y] + theta, name: "linearized solve") { uBar in
            var adjoint = uBar.scalars
            try lu.solveTransposed(&adjoint)
            let w = try Tensor(shape: point.shape, scalars: adjoint)
            guard differentiatesPoint else { return [w, nil] + thetaValues.map { _ in nil } }
            let weight = Variable(w)
            let (_, _, products) = try hessianVectorProduct(
                at: [point] + thetaValues, directions: [u] + thetaValues.map { Tensor.zeros(like: $0) }) { inputs in
                    try (weight * field(inputs[0], time: t, parameters: Array(inputs[1...]))).sum()
                }
            return [w] + products.map { $0 * s }
        }
    }
}
