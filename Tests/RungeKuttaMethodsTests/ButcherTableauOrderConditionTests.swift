// SPDX-License-Identifier: GPL-3.0-or-later
import RungeKuttaMethods
import Testing

/// The embedded pairs' coefficients against Butcher's order conditions: the orders
/// they declare hold on every rooted tree and the next order does not
/// (`ContinuousDepthTests` measures the same orders on solutions).
@Suite("Embedded Runge–Kutta pairs: order conditions checked")
struct ButcherTableauOrderConditionTests {
    static let methods: [ButcherTableau] = [
        .heunEuler21, .bogackiShampine32, .dormandPrince54, .tsitouras54, .dormandPrince87,
    ]

    @Test("Order conditions: cᵢ = Σⱼ aᵢⱼ, and Φ(τ) = 1/γ(τ) for every rooted tree up to the order (b and b̂), not beyond",
          arguments: methods)
    func orderConditions(tableau: ButcherTableau) throws {
        // The published decimals of Tsitouras and the rational approximations of
        // Prince–Dormand 8(7) satisfy the conditions to about 1e-14 … 1e-12, not exactly.
        let tolerance = 1e-11
        for (i, row) in tableau.a.enumerated() {
            #expect(abs(row.reduce(0, +) - tableau.c[i]) <= 1e-14, "\(tableau.name): row \(i) sums to \(row.reduce(0, +)) ≠ c")
        }
        let bHat = try #require(tableau.embeddedB)
        let embeddedOrder = try #require(tableau.embeddedOrder)
        for (weights, order) in [(tableau.b, tableau.order), (bHat, embeddedOrder)] {
            let residuals = OrderConditions.residuals(a: tableau.a, b: weights, upToOrder: order + 1)
            let worstUpToOrder = residuals.filter { $0.order <= order }.map(\.residual).max() ?? 0
            #expect(worstUpToOrder <= tolerance, "\(tableau.name) order \(order): worst residual \(worstUpToOrder)")
            let worstBeyond = residuals.filter { $0.order == order + 1 }.map(\.residual).max() ?? 0
            #expect(worstBeyond > 1e-6, "\(tableau.name): all order-\(order + 1) conditions hold; the order is higher than declared")
        }
    }

    @Test("FSAL is declared where the last stage is f(tₙ₊₁, yₙ₊₁): bosh3, dopri5, tsit5")
    func firstSameAsLast() {
        #expect(Self.methods.filter(\.isFirstSameAsLast).map(\.name) == ["bosh3", "dopri5", "tsit5"])
        #expect(Self.methods.map(\.errorOrder) == [2, 3, 5, 5, 8])
    }
}
