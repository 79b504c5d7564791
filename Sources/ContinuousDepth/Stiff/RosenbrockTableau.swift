// SPDX-License-Identifier: GPL-3.0-or-later

/// The coefficients of a Rosenbrock (linearly implicit) method in Hairer &
/// Wanner's transformed form, which needs no product with `J`:
///
///     (I − hγJ) uᵢ = hγ [ f(tₙ + cᵢh, yₙ + Σ_{j<i} aᵢⱼ uⱼ) + Σ_{j<i} (Cᵢⱼ/h) uⱼ + dᵢ h ∂f/∂t ],
///     yₙ₊₁ = yₙ + Σ mᵢ uᵢ,   error estimate Σ (mᵢ − m̂ᵢ) uᵢ,
///
/// with `J = ∂f/∂y(tₙ, yₙ)` exact. Each stage is one linear solve with the same
/// matrix `I − hγJ`: one LU per sample block per step, no Newton iteration.
///
/// The classical coefficients follow from `Γ = (diag(1/γ) − C)⁻¹`: `α = AΓ`,
/// `β = α + Γ` (strictly lower part), `b = mΓ`; the order conditions are
/// stated for those (Hairer & Wanner II, Table IV.7.1).
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.7 (the transformed form (7.3′)).
public struct RosenbrockTableau: Sendable, Equatable {
    public let name: String
    /// Strictly lower `aᵢⱼ`: row `i` has `i` entries.
    public let a: [[Double]]
    /// Strictly lower `Cᵢⱼ`: row `i` has `i` entries.
    public let stageCoupling: [[Double]]
    public let c: [Double]
    /// `dᵢ = γᵢ`, the weights of `h ∂f/∂t` (non-autonomous problems).
    public let d: [Double]
    public let m: [Double]
    public let embeddedM: [Double]
    public let gamma: Double
    public let order: Int
    public let embeddedOrder: Int

    public var stageCount: Int { m.count }

    /// RODAS4: six stages, order 4 with an embedded order-3 solution, L-stable
    /// and stiffly accurate (its last two stages reach `t + h`); γ = 1/4. The
    /// error estimate is the last stage `u₆`.
    ///
    /// Reference: Hairer & Wanner, *Solving ODEs II*, §VI.4 (the method RODAS)
    /// and the coefficients of Hairer's `rodas.f`; the order conditions are
    /// checked in `StiffOrderConditionTests`.
    public static let rodas4: RosenbrockTableau = {
        let row5 = [1.221224509226641, 6.019134481288629, 12.53708332932087, -0.6878860361058950]
        return RosenbrockTableau(
            name: "rodas4",
            a: [[],
                [1.544],
                [0.9466785280815826, 0.2557011698983284],
                [3.314825187068521, 2.896124015972201, 0.9986419139977817],
                row5,
                row5 + [1]],
            stageCoupling: [[],
                            [-5.6688],
                            [-2.430093356833875, -0.2063599157091915],
                            [-0.1073529058151375, -9.594562251023355, -20.47028614809616],
                            [7.496443313967647, -10.24680431464352, -33.99990352819905, 11.70890893206160],
                            [8.083246795921522, -7.981132988064893, -31.52159432874371, 16.31930543123136,
                             -6.058818238834054]],
            c: [0, 0.386, 0.21, 0.63, 1, 1],
            d: [0.25, -0.1043, 0.1035, -0.0362, 0, 0],
            m: row5 + [1, 1],
            embeddedM: row5 + [1, 0],
            gamma: 0.25, order: 4, embeddedOrder: 3)
    }()
}
