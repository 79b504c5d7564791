// SPDX-License-Identifier: GPL-3.0-or-later

extension ButcherTableau {
    /// Dormand–Prince 5(4) (DOPRI5): seven stages, FSAL (`k₇ = f(tₙ₊₁, yₙ₊₁)`, so six
    /// new evaluations per step), order-5 solution with an order-4 embedded estimate.
    ///
    /// Dense output: Shampine's order-4 continuous extension (Hairer's `CONTD5`),
    ///
    ///     bᵢ(θ) = θ bᵢ + θ(1−θ)(δᵢ₁ − bᵢ) + θ²(1−θ)(2bᵢ − δᵢ₁ − δᵢ₇) + θ²(1−θ)² dᵢ
    ///
    /// expanded here into powers of θ.
    ///
    /// Reference: Dormand & Prince, J. Comput. Appl. Math. 6 (1980); Hairer, Nørsett
    /// & Wanner, *Solving ODEs I*, §II.5, Table 5.2, and §II.6 (dense output);
    /// Shampine, Math. Comp. 46 (1986).
    public static let dormandPrince54: ButcherTableau = {
        let b = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0]
        let d = [-12715105075.0 / 11282082432.0, 0, 87487479700.0 / 32700410799.0, -10690763975.0 / 1880347072.0,
                 701980252875.0 / 199316789632.0, -1453857185.0 / 822651844.0, 69997945.0 / 29380423.0]
        // θ(1−θ) = θ − θ², θ²(1−θ) = θ² − θ³, θ²(1−θ)² = θ² − 2θ³ + θ⁴.
        let dense = (0..<7).map { i -> [Double] in
            let first: Double = i == 0 ? 1 : 0, last: Double = i == 6 ? 1 : 0
            return [first, 3 * b[i] - 2 * first - last + d[i], -2 * b[i] + first + last - 2 * d[i], d[i]]
        }
        return ButcherTableau(
            name: "dopri5",
            a: [[],
                [1.0 / 5],
                [3.0 / 40, 9.0 / 40],
                [44.0 / 45, -56.0 / 15, 32.0 / 9],
                [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
                [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
                [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84]],
            b: b,
            c: [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1],
            embeddedB: [5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40],
            order: 5, embeddedOrder: 4,
            continuousExtension: ContinuousExtension(coefficients: dense, order: 4))
    }()
}
