// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// The adjoint equation of a stiff batch as a `BatchedImplicitSystem`, with the
/// forward state read off the forward solve's dense output `x(t)`:
///
///     a′ = g(a, t) = −J(x(t))ᵀ a,   ∂g/∂a = −J(x(t))ᵀ   (block diagonal, block b = −J_bᵀ),
///
/// integrated backwards in `t`, where it is as stiff as the forward problem and
/// stable (the eigenvalues of `−Jᵀ` backwards are those of `J` forwards).
/// `g` is one vector–Jacobian product of `f`; its blocks are the forward
/// Jacobian's, transposed. `x` is never integrated backwards (that would be
/// unstable for a stiff problem).
final class AdjointStiffSystem<Field: VectorField>: BatchedImplicitSystem {
    let field: Field
    let forward: HermiteDenseOutput
    let batch: Int
    let dimension: Int
    let tolerance: ErrorTolerance
    let theta: [Tensor]
    var statistics = ImplicitSolverStatistics()

    init(_ field: Field, forward: HermiteDenseOutput, batch: Int, parameters theta: [Tensor], tolerance: ErrorTolerance) {
        self.field = field
        self.forward = forward
        self.batch = batch
        self.dimension = field.dimension
        self.tolerance = tolerance
        self.theta = theta
    }

    /// `(−J(x(t))ᵀ a, −(∂f/∂θ)ᵀ a)`: one vector–Jacobian product of `f` at `x(t)`.
    func products(_ a: [Double], at t: Double) throws -> (state: [Double], parameters: [Tensor]) {
        let x = try forward.extrapolatedValue(at: t)
        let (_, products) = try vectorJacobianProduct(at: [x] + theta, cotangent: try tensor(a)) { inputs in
            try field(inputs[0], time: t, parameters: Array(inputs.dropFirst()))
        }
        return (products[0].scalars.map { -$0 }, products.dropFirst().map { $0 * -1 })
    }

    func evaluate(_ a: [Double], at t: Double) throws -> [Double] {
        statistics.functionEvaluations += 1
        return try products(a, at: t).state
    }

    func jacobian(_ a: [Double], at t: Double) throws -> BlockDiagonalJacobian {
        statistics.jacobianEvaluations += 1
        let forwardBlocks = try BlockDiagonalJacobian(of: field, at: try forward.extrapolatedValue(at: t), time: t, parameters: theta)
        let d = dimension
        var blocks = [Double](repeating: 0, count: forwardBlocks.blocks.count)
        for b in 0..<batch {
            let offset = b * d * d
            for i in 0..<d { for j in 0..<d { blocks[offset + j * d + i] = -forwardBlocks.blocks[offset + i * d + j] } }
        }
        return try BlockDiagonalJacobian(batch: batch, dimension: d, blocks: blocks)
    }
}
