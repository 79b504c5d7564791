// SPDX-License-Identifier: GPL-3.0-or-later

extension ButcherTableau {
    /// Heun–Euler 2(1): Heun's trapezoid step with explicit Euler as the embedded method,
    ///
    ///     k₁ = f(tₙ, yₙ),  k₂ = f(tₙ + h, yₙ + h k₁)
    ///     yₙ₊₁ = yₙ + h(k₁ + k₂)/2  (order 2),   ŷₙ₊₁ = yₙ + h k₁  (order 1)
    ///
    /// Two evaluations per step, not FSAL. Dense output: the order-2 continuous
    /// extension `b₁(θ) = θ − θ²/2`, `b₂(θ) = θ²/2` (it satisfies `Σ bᵢ = θ` and
    /// `Σ bᵢcᵢ = θ²/2`). Only sensible at loose tolerances.
    ///
    /// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.1 and §II.4.
    public static let heunEuler21 = ButcherTableau(
        name: "heun-euler",
        a: [[], [1]],
        b: [0.5, 0.5],
        c: [0, 1],
        embeddedB: [1, 0],
        order: 2, embeddedOrder: 1,
        continuousExtension: ContinuousExtension(coefficients: [[1, -0.5], [0, 0.5]], order: 2))
}
