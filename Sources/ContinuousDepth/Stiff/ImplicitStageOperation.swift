// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// A solved implicit stage joins the tape by the implicit-function theorem,
/// not by differentiating the Newton iterations that found it:
///
///     z = a + s·f(z, t; θ)   ⇒   (I − s·J) dz = da + s·(∂f/∂θ) dθ,
///     ā = (I − s·J)⁻ᵀ z̄,   θ̄ = s·(∂f/∂θ)ᵀ ā,
///
/// with `J = ∂f/∂z` at the solution, `s = hγ`. The pullback computes the
/// block Jacobian at `z`, one batched LU of `I − sJ` and a transposed solve
/// per block, then one vector–Jacobian product of `f` for `θ̄`. Its cost does
/// not depend on how many Newton iterations the forward solve took.
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.8; the implicit-function
/// rule for solvers as in Bai, Kolter & Koltun, *Deep Equilibrium Models*, NeurIPS 2019, §3.
enum ImplicitStageOperation {
    /// Records `z` (already solved to Newton's tolerance) as a function of `a` and `θ`.
    static func record<Field: VectorField>(solution z: [Double], explicitPart a: Variable, scale s: Double,
                                           time t: Double, field: Field, parameters theta: [Variable]) throws -> Variable {
        let value = try Tensor(shape: a.shape, scalars: z)
        let thetaValues = theta.map(\.value)
        let differentiatesParameters = theta.contains(where: \.isTracked)
        return try Variable.customOperation(value, inputs: [a] + theta, name: "implicit stage") { zBar in
            let jacobian = try BlockDiagonalJacobian(of: field, at: value, time: t, parameters: thetaValues)
            let lu = try jacobian.factorIterationMatrix(scale: s)
            var w = zBar.scalars
            try lu.solveTransposed(&w)
            let aBar = try Tensor(shape: value.shape, scalars: w)
            guard differentiatesParameters else { return [aBar] + thetaValues.map { _ in nil } }
            let (_, products) = try vectorJacobianProduct(at: thetaValues, cotangent: aBar) { parameters in
                try field(Variable(value), time: t, parameters: parameters)
            }
            return [aBar] + products.map { $0 * s }
        }
    }
}
