// SPDX-License-Identifier: GPL-3.0-or-later

/// The coefficients of an explicit Runge–Kutta method:
///
///     kᵢ = f(tₙ + cᵢh, yₙ + h Σⱼ<ᵢ aᵢⱼ kⱼ),   yₙ₊₁ = yₙ + h Σᵢ bᵢ kᵢ
///
/// with optional embedded weights `b̂` whose solution ŷ differs from y by the
/// local error estimate `h Σ (bᵢ − b̂ᵢ) kᵢ`. One tableau drives both a residual
/// block (`ResidualNets`) and a fixed-step or adaptive ODE solver
/// (`ContinuousDepth`), so the math exists once.
///
/// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.1 and §II.5.
public struct ButcherTableau: Sendable, Equatable {
    public let name: String
    /// Strictly lower-triangular stage matrix: `a[i]` has `i` entries.
    public let a: [[Double]]
    public let b: [Double]
    public let c: [Double]
    /// Weights of the embedded lower-order solution, if any.
    public let embeddedB: [Double]?
    /// Global order of the `b` solution.
    public let order: Int
    /// Order of the embedded solution (error estimate), if any.
    public let embeddedOrder: Int?
    /// The dense output of a step, if the method has one.
    public let continuousExtension: ContinuousExtension?

    public var stageCount: Int { b.count }
    /// First-same-as-last: the last stage equals f at the new point, so it can be reused.
    public var isFirstSameAsLast: Bool {
        guard let last = a.last, c.last == 1, b.last == 0 else { return false }
        return last == Array(b.prefix(last.count))
    }

    public init(name: String, a: [[Double]], b: [Double], c: [Double], embeddedB: [Double]? = nil,
                order: Int, embeddedOrder: Int? = nil, continuousExtension: ContinuousExtension? = nil) {
        self.name = name; self.a = a; self.b = b; self.c = c
        self.embeddedB = embeddedB; self.order = order; self.embeddedOrder = embeddedOrder
        self.continuousExtension = continuousExtension
    }

    /// `k` in `‖e‖ ∝ hᵏ` for the embedded error estimate `e = h Σ (bᵢ − b̂ᵢ) kᵢ`:
    /// `min(p, p̂) + 1` (5 for Dormand–Prince 5(4)); `order + 1` without an embedded pair.
    public var errorOrder: Int { Swift.min(order, embeddedOrder ?? order) + 1 }

    /// Explicit Euler: `yₙ₊₁ = yₙ + h f(tₙ, yₙ)`. Order 1, one evaluation; a residual block is one step of it.
    public static let euler = ButcherTableau(name: "euler", a: [[]], b: [1], c: [0], order: 1)

    /// Heun's method (explicit trapezoid, RK2): `k₁ = f(t, y)`, `k₂ = f(t + h, y + hk₁)`, `y + h(k₁ + k₂)/2`. Order 2.
    public static let heun = ButcherTableau(name: "heun", a: [[], [1]], b: [0.5, 0.5], c: [0, 1], order: 2)

    /// Explicit midpoint: `y + h f(t + h/2, y + (h/2) f(t, y))`. Order 2.
    public static let midpoint = ButcherTableau(name: "midpoint", a: [[], [0.5]], b: [0, 1], c: [0, 0.5], order: 2)

    /// Classical Runge–Kutta: weights (1, 2, 2, 1)/6 at c = (0, ½, ½, 1). Order 4, four evaluations.
    public static let rungeKutta4 = ButcherTableau(
        name: "rk4", a: [[], [0.5], [0, 0.5], [0, 0, 1]], b: [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6],
        c: [0, 0.5, 0.5, 1], order: 4)
}
