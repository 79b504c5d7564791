// SPDX-License-Identifier: GPL-3.0-or-later

extension ButcherTableau {
    /// Bogacki–Shampine 3(2) (MATLAB's `ode23`, diffrax's `Bosh3`): four stages,
    /// FSAL (`k₄ = f(tₙ₊₁, yₙ₊₁)`, three new evaluations per step),
    ///
    ///     yₙ₊₁ = yₙ + h(2k₁/9 + k₂/3 + 4k₃/9)                 (order 3)
    ///     ŷₙ₊₁ = yₙ + h(7k₁/24 + k₂/4 + k₃/3 + k₄/8)          (order 2)
    ///
    /// Dense output: the cubic Hermite interpolant of the step ends (order 3), free
    /// because `k₄` is the end slope.
    ///
    /// Reference: Bogacki & Shampine, "A 3(2) pair of Runge–Kutta formulas",
    /// Appl. Math. Lett. 2 (1989); Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.6.
    public static let bogackiShampine32: ButcherTableau = {
        let b = [2.0 / 9, 1.0 / 3, 4.0 / 9, 0]
        return ButcherTableau(
            name: "bosh3",
            a: [[], [1.0 / 2], [0, 3.0 / 4], [2.0 / 9, 1.0 / 3, 4.0 / 9]],
            b: b,
            c: [0, 1.0 / 2, 3.0 / 4, 1],
            embeddedB: [7.0 / 24, 1.0 / 4, 1.0 / 3, 1.0 / 8],
            order: 3, embeddedOrder: 2,
            continuousExtension: .hermite(weights: b, isFirstSameAsLast: true))
    }()
}
