// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The continuous extension (dense output) of the Dormand–Prince 5(4) step:
/// inside an accepted step from `tₙ` with size `h`, at `t = tₙ + θh`, `θ ∈ [0, 1]`,
///
///     y(tₙ + θh) ≈ yₙ + h Σᵢ bᵢ(θ) kᵢ
///     bᵢ(θ) = θ bᵢ + θ(1−θ)(δᵢ₁ − bᵢ) + θ²(1−θ)(2bᵢ − δᵢ₁ − δᵢ₇) + θ²(1−θ)² dᵢ
///
/// with the seven stages `kᵢ` of the step (`k₇ = f(tₙ₊₁, yₙ₊₁)`, the FSAL stage),
/// `b` the order-5 weights and `d` Shampine's coefficients below. It is Hairer's
/// `CONTD5` (`rcont1 … rcont5`) written as stage weights, so it is linear in
/// `yₙ` and the stages and can be differentiated. Order 4 uniformly in θ, equal
/// to `yₙ` at θ = 0 and to `yₙ₊₁` at θ = 1, with `y' = kᵢ` at both ends: no
/// extra evaluation, so output times never force steps.
///
/// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.6 (dense output,
/// Dormand–Prince), and the Fortran code `dopri5.f`; Shampine, Math. Comp. 46 (1986).
public enum DormandPrinceInterpolant {
    /// `d₁ … d₇` of the fourth-order term (`d₂ = 0`).
    public static let d: [Double] = [
        -12715105075.0 / 11282082432.0, 0, 87487479700.0 / 32700410799.0, -10690763975.0 / 1880347072.0,
        701980252875.0 / 199316789632.0, -1453857185.0 / 822651844.0, 69997945.0 / 29380423.0,
    ]

    /// The stage weights `bᵢ(θ)`, `i = 1 … 7`.
    public static func weights(at theta: Double) -> [Double] {
        let b = ButcherTableau.dormandPrince54.b
        let theta1 = 1 - theta
        let (p1, p2, p3, p4) = (theta, theta * theta1, theta * theta * theta1, theta * theta * theta1 * theta1)
        return (0..<7).map { i in
            let first: Double = i == 0 ? 1 : 0
            let last: Double = i == 6 ? 1 : 0
            return p1 * b[i] + p2 * (first - b[i]) + p3 * (2 * b[i] - first - last) + p4 * d[i]
        }
    }

    /// `yₙ + h Σᵢ bᵢ(θ) kᵢ`: the dense output of one step, differentiable in `yₙ` and the stages.
    /// - Throws: `ContinuousDepthError.invalidArgument` unless there are 7 stages and θ ∈ [0, 1].
    public static func value(at theta: Double, from y: Variable, stages k: [Variable],
                             stepSize h: Double) throws -> Variable {
        guard k.count == 7 else {
            throw ContinuousDepthError.invalidArgument("Dormand–Prince dense output needs 7 stages; got \(k.count)")
        }
        guard theta >= 0, theta <= 1 else {
            throw ContinuousDepthError.invalidArgument("dense output needs θ in [0, 1]; got \(theta)")
        }
        return try RungeKuttaStep.combining(y, stages: k, weights: weights(at: theta), stepSize: h)
    }
}
