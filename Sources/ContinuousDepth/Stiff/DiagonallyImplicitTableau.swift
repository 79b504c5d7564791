// SPDX-License-Identifier: GPL-3.0-or-later

/// The coefficients of an ESDIRK method (explicit first stage, singly
/// diagonally implicit): with `aᵢᵢ = γ` for `i ≥ 1` and `a₀₀ = 0`,
///
///     zᵢ = yₙ + h Σ_{j<i} aᵢⱼ kⱼ + hγ kᵢ,   kᵢ = f(tₙ + cᵢh, zᵢ),
///     yₙ₊₁ = yₙ + h Σ bᵢ kᵢ,   error estimate h Σ (bᵢ − b̂ᵢ) kᵢ.
///
/// Every implicit stage has the same iteration matrix `I − hγJ`, so one LU per
/// sample block serves all stages (and later steps while Newton converges).
/// When `b` is the last row of `a` (stiffly accurate), `yₙ₊₁ = z_last`.
public struct DiagonallyImplicitTableau: Sendable, Equatable {
    public let name: String
    /// Row `i` holds `aᵢ₀ … aᵢᵢ` (the diagonal included): `i + 1` entries.
    public let a: [[Double]]
    public let b: [Double]
    /// Weights of the embedded solution.
    public let embeddedB: [Double]
    public let c: [Double]
    /// The diagonal `γ` of the implicit stages.
    public let gamma: Double
    /// Global order of the `b` solution.
    public let order: Int
    /// Order of the embedded solution.
    public let embeddedOrder: Int

    public var stageCount: Int { b.count }

    /// Whether `yₙ₊₁` is the last stage value (`b` equals the last row of `a`).
    public var isStifflyAccurate: Bool { a.last == b }

    /// Kværnø's 5(4) pair: seven stages (six implicit), order 5 with an embedded
    /// order-4 solution, L-stable and stiffly accurate; the embedded solution is
    /// the sixth stage (also stiffly accurate), so the error estimate is
    /// `z₇ − z₆`. γ = 0.26. The method diffrax calls `Kvaerno5`.
    ///
    /// Reference: A. Kværnø, *Singly diagonally implicit Runge–Kutta methods with
    /// an explicit first stage*, BIT 44 (2004) 489–502, the 5(4) pair of §5.
    public static let kvaerno5: DiagonallyImplicitTableau = {
        let g = 0.26
        let row6 = [0.13855640231268224, 0, -0.04245337201752043, 0.02446657898003141, 0.61943039072480676, g]
        let row7 = [0.13659751177640291, 0, -0.05496908796538376, -0.04118626728321046, 0.62993304899016403,
                    0.06962479448202728, g]
        return DiagonallyImplicitTableau(
            name: "kvaerno5",
            a: [[0],
                [g, g],
                [0.13, 0.84033320996790809, g],
                [0.22371961478320505, 0.47675532319799699, -0.06470895363112615, g],
                [0.16648564323248321, 0.10450018841591720, 0.03631482272098715, -0.13090704451073998, g],
                row6,
                row7],
            b: row7,
            embeddedB: row6 + [0],
            c: [0, 0.52, 1.230333209967908, 0.8957659843500759, 0.43639360985864756, 1, 1],
            gamma: g, order: 5, embeddedOrder: 4)
    }()
}
