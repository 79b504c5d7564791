// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// The solved stages of a fully implicit Runge–Kutta step join the tape by the
/// implicit-function theorem, not by differentiating the Newton iterations that
/// found them (`ImplicitStageOperation` for `s` coupled stages):
///
///     Zᵢ = y + h Σⱼ aᵢⱼ f(tⱼ, Zⱼ; θ)
///     ⇒ M dZ = (𝟙 ⊗ I) dy + h(A ⊗ I)(∂f/∂θ)(Z) dθ,   M = I − h(A ⊗ I)·diag(J₁, …, J_s),
///     W = M⁻ᵀ Z̄ (per sample),   ȳ = Σᵢ Wᵢ,   θ̄ = h Σᵢⱼ aᵢⱼ (∂f/∂θ at Zⱼ)ᵀ Wᵢ,
///
/// with `Jⱼ = ∂f/∂x` at `(tⱼ, Zⱼ)`, `tⱼ = tₙ + cⱼh`. The output is the stages
/// stacked `[s·batch, d]` (stage `i` in rows `i·batch ..< (i+1)·batch`). The pullback
/// takes the Jacobian blocks at the stages, one LU of the `s·d × s·d` matrix `M_b`
/// per sample and a transposed solve, then one vector–Jacobian product of `f` per
/// stage for `θ̄` (with cotangent `Vⱼ = h Σᵢ aᵢⱼ Wᵢ`). Its cost does not depend on how
/// many Newton iterations the forward solve took; it is exact when the stages are
/// solved to round-off (`ImplicitRungeKuttaStages.solve`).
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.8 (the matrix `I − h A ⊗ J`);
/// the implicit-function rule for solvers as in Bai, Kolter & Koltun, *Deep
/// Equilibrium Models*, NeurIPS 2019, §3.
enum CoupledImplicitStageOperation {
    /// Records the stages `Z` (stage-major, already solved) as a function of `y` and `θ`.
    ///
    /// - Parameters:
    ///   - stages: `s·batch·d` values, stage after stage.
    ///   - y: the step's start `[batch, d]`.
    ///   - t, h: the step's start time and size.
    /// - Returns: the stacked stages `[s·batch, d]`.
    static func record<Field: VectorField>(stages: [Double], from y: Variable, tableau: ImplicitRungeKuttaTableau,
                                           at t: Double, by h: Double, field: Field,
                                           parameters theta: [Variable]) throws -> Variable {
        let s = tableau.stageCount, batch = y.shape[0], d = field.dimension, n = batch * d
        let value = try Tensor(shape: [s * batch, d], scalars: stages)
        let thetaValues = theta.map(\.value)
        let differentiatesParameters = theta.contains(where: \.isTracked)
        return try Variable.customOperation(value, inputs: [y] + theta, name: "coupled implicit stages") { zBar in
            let jacobians = try ImplicitRungeKuttaStages.jacobians(tableau, field: field, stages: stages, batch: batch,
                                                                   at: t, by: h, parameters: thetaValues)
            let lu = try ImplicitRungeKuttaStages.factorNewtonMatrix(tableau, stepSize: h, jacobians: jacobians)
            var w = ImplicitRungeKuttaStages.sampleMajor(zBar.scalars, stages: s, batch: batch, dimension: d)
            try lu.solveTransposed(&w)
            let wStages = ImplicitRungeKuttaStages.stageMajor(w, stages: s, batch: batch, dimension: d)
            var yBar = [Double](repeating: 0, count: n)
            for i in 0..<s { for k in 0..<n { yBar[k] += wStages[i * n + k] } }
            let yCotangent = try Tensor(shape: [batch, d], scalars: yBar)
            guard differentiatesParameters else { return [yCotangent] + thetaValues.map { _ in nil } }
            var thetaBar = thetaValues.map { Tensor.zeros(like: $0) }
            for j in 0..<s {
                var v = [Double](repeating: 0, count: n)
                for i in 0..<s where tableau.a[i][j] != 0 {
                    let scale = h * tableau.a[i][j]
                    for k in 0..<n { v[k] += scale * wStages[i * n + k] }
                }
                let zj = Variable(try Tensor(shape: [batch, d], scalars: Array(stages[(j * n)..<((j + 1) * n)])))
                let (_, products) = try vectorJacobianProduct(at: thetaValues,
                                                              cotangent: try Tensor(shape: [batch, d], scalars: v)) {
                    parameters in try field(zj, time: t + tableau.c[j] * h, parameters: parameters)
                }
                thetaBar = try zip(thetaBar, products).map { try $0 + $1 }
            }
            return [yCotangent] + thetaBar
        }
    }
}
