// SPDX-License-Identifier: GPL-3.0-or-later

extension ButcherTableau {
    /// Tsitouras 5(4) (Tsit5): seven stages, FSAL (six new evaluations per step),
    /// order-5 solution with an order-4 embedded estimate, derived by imposing only
    /// the first column simplifying assumption, which leaves room to make the
    /// principal error coefficients smaller than Dormand–Prince's.
    ///
    ///     yₙ₊₁ = yₙ + h Σᵢ bᵢkᵢ  (b = the last row of a, FSAL),   e = h Σᵢ (bᵢ − b̂ᵢ) kᵢ
    ///
    /// The coefficients are the paper's decimal values (about 16 digits), so the
    /// order conditions hold to that precision, not exactly. Dense output: the
    /// paper's order-4 continuous extension, `b₁(θ) = θ + r₁₂θ² + r₁₃θ³ + r₁₄θ⁴`,
    /// `bᵢ(θ) = rᵢ₂θ² + rᵢ₃θ³ + rᵢ₄θ⁴` (i = 2 … 7).
    ///
    /// Reference: Ch. Tsitouras, "Runge–Kutta pairs of order 5(4) satisfying only
    /// the first column simplifying assumption", Comput. Math. Appl. 62 (2011), Table 1
    /// and the continuous extension of §4.
    public static let tsitouras54: ButcherTableau = {
        let b = [0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081,
                 2.324710524099774, 0]
        // b − b̂, as published (b̂₇ = −1/66).
        let difference = [-0.00178001105222577714, -0.0008164344596567469, 0.007880878010261995,
                          -0.1447110071732629, 0.5823571654525552, -0.45808210592918697, 1.0 / 66]
        return ButcherTableau(
            name: "tsit5",
            a: [[],
                [0.161],
                [-0.008480655492356989, 0.335480655492357],
                [2.8971530571054935, -6.359448489975075, 4.3622954328695815],
                [5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525],
                [5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401, -0.028269050394068383],
                Array(b.prefix(6))],
            b: b,
            c: [0, 0.161, 0.327, 0.9, 0.9800255409045097, 1, 1],
            embeddedB: zip(b, difference).map { $0 - $1 },
            order: 5, embeddedOrder: 4,
            continuousExtension: ContinuousExtension(coefficients: [
                [1, -2.763706197274826, 2.9132554618219126, -1.0530884977290216],
                [0, 0.13169999999999998, -0.2234, 0.1017],
                [0, 3.9302962368947516, -5.941033872131505, 2.490627285651253],
                [0, -12.411077166933676, 30.33818863028232, -16.548102889244902],
                [0, 37.50931341651104, -88.1789048947664, 47.37952196281928],
                [0, -27.896526289197286, 65.09189467479366, -34.87065786149661],
                [0, 1.5, -4, 2.5],
            ], order: 4))
    }()
}
