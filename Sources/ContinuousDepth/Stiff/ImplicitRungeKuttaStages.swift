// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// The coupled stage equations of one fully implicit Runge–Kutta step
/// (`ImplicitRungeKuttaTableau`) on a batch of independent samples, and their
/// solution by Newton's method with the exact Jacobian:
///
///     G(Z) = 0,   Gᵢ(Z) = Zᵢ − yₙ − h Σⱼ aᵢⱼ f(tₙ + cⱼh, Zⱼ),
///     ∂G/∂Z = M = I − h(A ⊗ I)·diag(J₁, …, J_s),   block (i, j) = δᵢⱼI − h aᵢⱼ Jⱼ,  Jⱼ = ∂f/∂x at Zⱼ,
///     M Δ = −G(Z),   Z ← Z + Δ,   starting from Zᵢ = yₙ.
///
/// Samples do not interact, so `M` is block diagonal with one `s·d × s·d` block per
/// sample (the stages of one sample are coupled through `A`): each iteration takes
/// the `d × d` Jacobian blocks at every stage (`BlockDiagonalJacobian`, exact forward
/// mode) and one LU per sample (`BatchedLUFactorization` with blocks of size `s·d`).
/// The iteration converges quadratically near the solution; it stops when every
/// sample's update `‖Δ_b‖∞` is below `16u·scale_b` (`u` the unit round-off,
/// `scale_b = max(‖y_b‖∞, ‖Z_b‖∞)`), or below `10⁻¹²·scale_b` without halving (the
/// round-off floor of the residual, reached when `M` is ill-conditioned). The stage
/// values are then exact to a few units of round-off, which the implicit-function
/// rule of `CoupledImplicitStageOperation` needs.
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.8 (the stage equations of
/// implicit Runge–Kutta methods and their Newton iteration); Deuflhard, *Newton
/// Methods for Nonlinear Problems*, §2.1 (quadratic convergence with the exact Jacobian).
enum ImplicitRungeKuttaStages {
    /// The per-sample `LU` of `M = I − h(A ⊗ I)·diag(J₁, …, J_s)` from the Jacobians at the stages.
    ///
    /// Block `b` is column major of size `n = s·d`: row `i·d + p`, column `j·d + q`
    /// holds `δᵢⱼδ_pq − h aᵢⱼ (Jⱼ)_b[p, q]`. Right-hand sides are sample-major
    /// (`sampleMajor(_:)`).
    /// - Throws: `BatchedLinearAlgebraError` for a singular or non-finite block.
    static func factorNewtonMatrix(_ tableau: ImplicitRungeKuttaTableau, stepSize h: Double,
                                   jacobians: [BlockDiagonalJacobian]) throws -> BatchedLUFactorization {
        let s = tableau.stageCount, batch = jacobians[0].batch, d = jacobians[0].dimension
        let n = s * d
        var blocks = [Double](repeating: 0, count: batch * n * n)
        for b in 0..<batch {
            let block = b * n * n
            for j in 0..<s {
                let jacobian = jacobians[j].blocks, source = b * d * d
                for i in 0..<s {
                    let scale = -h * tableau.a[i][j]
                    for q in 0..<d {
                        let column = block + (j * d + q) * n + i * d
                        for p in 0..<d { blocks[column + p] = scale * jacobian[source + q * d + p] }
                    }
                }
            }
            for k in 0..<n { blocks[block + k * n + k] += 1 }
        }
        return try BatchedLUFactorization(blocks: blocks, batch: batch, dimension: n)
    }

    /// Stage-major values (`(i·batch + b)·d + m`, the stacked stages `[s·batch, d]`) in
    /// sample-major order (`(b·s + i)·d + m`, one `s·d` vector per sample).
    static func sampleMajor(_ stageMajor: [Double], stages s: Int, batch: Int, dimension d: Int) -> [Double] {
        var out = [Double](repeating: 0, count: stageMajor.count)
        for i in 0..<s { for b in 0..<batch { for m in 0..<d {
            out[(b * s + i) * d + m] = stageMajor[(i * batch + b) * d + m]
        } } }
        return out
    }

    /// The inverse of `sampleMajor(_:stages:batch:dimension:)`.
    static func stageMajor(_ sampleMajor: [Double], stages s: Int, batch: Int, dimension d: Int) -> [Double] {
        var out = [Double](repeating: 0, count: sampleMajor.count)
        for i in 0..<s { for b in 0..<batch { for m in 0..<d {
            out[(i * batch + b) * d + m] = sampleMajor[(b * s + i) * d + m]
        } } }
        return out
    }

    /// The Jacobian blocks `Jⱼ = ∂f/∂x` at every stage `(tₙ + cⱼh, Zⱼ)`.
    static func jacobians<Field: VectorField>(_ tableau: ImplicitRungeKuttaTableau, field: Field, stages z: [Double],
                                              batch: Int, at t: Double, by h: Double,
                                              parameters theta: [Tensor]) throws -> [BlockDiagonalJacobian] {
        let n = batch * field.dimension
        return try (0..<tableau.stageCount).map { j in
            let zj = try Tensor(shape: [batch, field.dimension], scalars: Array(z[(j * n)..<((j + 1) * n)]))
            return try BlockDiagonalJacobian(of: field, at: zj, time: t + tableau.c[j] * h, parameters: theta)
        }
    }

    /// The stage values `Z₁ … Z_s` of the step from `(t, y)` by `h`, stage-major
    /// (`[s·batch, d]` flattened), solved by Newton to round-off.
    ///
    /// - Parameters:
    ///   - y: `[batch, d]`.
    ///   - theta: the parameter values (constants here).
    ///   - maximumIterations: the bound on Newton iterations (each costs `s` evaluations of `f`
    ///     and `s` Jacobians).
    ///   - evaluations: incremented by the evaluations of `f` (Jacobians not counted).
    /// - Throws: `ContinuousDepthError.stageEquationsDidNotConverge(time: t, …)` when some sample's
    ///   iteration is not converged after `maximumIterations`, produces a non-finite value, or meets
    ///   a singular Newton matrix; the field's errors.
    static func solve<Field: VectorField>(_ tableau: ImplicitRungeKuttaTableau, field: Field, from y: Tensor,
                                          at t: Double, by h: Double, parameters theta: [Tensor],
                                          maximumIterations: Int, evaluations: inout Int) throws -> [Double] {
        let s = tableau.stageCount, batch = y.shape[0], d = field.dimension, n = batch * d
        let y0 = y.scalars
        var z = [Double](repeating: 0, count: s * n)
        for i in 0..<s { for k in 0..<n { z[i * n + k] = y0[k] } }
        let constants = theta.map { Variable($0) }
        var previousNorms = [Double](repeating: .infinity, count: batch)
        let unitRoundOff = Double.ulpOfOne / 2
        func failure() -> ContinuousDepthError {
            .stageEquationsDidNotConverge(time: t, stepSize: h,
                                          statistics: SolverStatistics(functionEvaluations: evaluations))
        }
        for _ in 0..<maximumIterations {
            // The residual −G(Z) = y + h Σⱼ aᵢⱼ f(Zⱼ) − Zᵢ, stage-major.
            var residual = [Double](repeating: 0, count: s * n)
            for i in 0..<s { for k in 0..<n { residual[i * n + k] = y0[k] - z[i * n + k] } }
            for j in 0..<s {
                let zj = try Tensor(shape: [batch, d], scalars: Array(z[(j * n)..<((j + 1) * n)]))
                let fj = try field(Variable(zj), time: t + tableau.c[j] * h, parameters: constants).value.scalars
                evaluations += 1
                for i in 0..<s where tableau.a[i][j] != 0 {
                    let scale = h * tableau.a[i][j]
                    for k in 0..<n { residual[i * n + k] += scale * fj[k] }
                }
            }
            guard residual.allSatisfy(\.isFinite) else { throw failure() }
            let jacobians = try Self.jacobians(tableau, field: field, stages: z, batch: batch, at: t, by: h,
                                               parameters: theta)
            var delta = sampleMajor(residual, stages: s, batch: batch, dimension: d)
            do {
                try factorNewtonMatrix(tableau, stepSize: h, jacobians: jacobians).solve(&delta)
            } catch {
                throw failure()
            }
            let update = stageMajor(delta, stages: s, batch: batch, dimension: d)
            for k in 0..<(s * n) { z[k] += update[k] }
            guard z.allSatisfy(\.isFinite) else { throw failure() }
            var converged = true
            for b in 0..<batch {
                var norm = 0.0, scale = 0.0
                for m in 0..<d { scale = max(scale, abs(y0[b * d + m])) }
                for i in 0..<s {
                    for m in 0..<d {
                        let k = i * n + b * d + m
                        norm = max(norm, abs(update[k]))
                        scale = max(scale, abs(z[k]))
                    }
                }
                let atRoundOff = norm <= 16 * unitRoundOff * scale
                let atFloor = norm <= 1e-12 * scale && norm > 0.5 * previousNorms[b]
                if !(atRoundOff || atFloor) { converged = false }
                previousNorms[b] = norm
            }
            if converged { return z }
        }
        throw failure()
    }
}
