// SPDX-License-Identifier: GPL-3.0-or-later
/// The coefficients of a fully implicit Runge–Kutta method: a full `s × s` stage matrix,
///
///     Zᵢ = yₙ + h Σⱼ aᵢⱼ f(tₙ + cⱼh, Zⱼ)   (i = 1 … s, all stages coupled),
///     yₙ₊₁ = yₙ + h Σᵢ bᵢ f(tₙ + cᵢh, Zᵢ).
///
/// One step solves the `s·d` coupled stage equations of each sample at once
/// (`ImplicitRungeKuttaStep`); their Newton matrix is `I − h(A ⊗ I)·diag(J(Z₁), …, J(Z_s))`.
/// The instances are the methods GSL's implicit steppers apply (`rk1imp`, `rk2imp`, `rk4imp`).
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.5 (collocation methods: Gauss
/// and Radau IIA, their orders and stability); J. C. Butcher, *Implicit Runge–Kutta
/// processes*, Math. Comp. 18 (1964) 50–64.
public struct ImplicitRungeKuttaTableau: Sendable, Equatable {
    public let name: String
    /// The stage matrix: `a[i][j] = aᵢⱼ`, `s` rows of `s` entries.
    public let a: [[Double]]
    public let b: [Double]
    public let c: [Double]
    /// Global order of the method (the slope of its error against `h`).
    public let order: Int

    public var stageCount: Int { b.count }

    /// - Throws: `ContinuousDepthError.invalidArgument` unless `a` is `s × s` with `s = b.count = c.count ≥ 1`,
    ///   every coefficient is finite, and `order ≥ 1`.
    public init(name: String, a: [[Double]], b: [Double], c: [Double], order: Int) throws {
        let s = b.count
        guard s >= 1, c.count == s, a.count == s, a.allSatisfy({ $0.count == s }) else {
            throw ContinuousDepthError.invalidArgument(
                "an implicit Runge–Kutta tableau needs an s × s matrix a and s weights b and nodes c (s ≥ 1); "
                    + "got a with rows \(a.map(\.count)), \(b.count) weights, \(c.count) nodes")
        }
        guard (a.joined() + b + c).allSatisfy(\.isFinite) else {
            throw ContinuousDepthError.invalidArgument("the coefficients of tableau '\(name)' must be finite")
        }
        guard order >= 1 else {
            throw ContinuousDepthError.invalidArgument("the order of tableau '\(name)' must be at least 1; got \(order)")
        }
        self.init(checked: name, a: a, b: b, c: c, order: order)
    }

    /// The published tableaus below, whose shapes are fixed.
    private init(checked name: String, a: [[Double]], b: [Double], c: [Double], order: Int) {
        self.name = name; self.a = a; self.b = b; self.c = c; self.order = order
    }

    /// Implicit (backward) Euler, `yₙ₊₁ = yₙ + h f(tₙ₊₁, yₙ₊₁)`: one stage, `a = b = c = 1`,
    /// the one-stage Radau IIA method. Order 1, L-stable. GSL's `rk1imp`.
    public static let implicitEuler = ImplicitRungeKuttaTableau(checked: "implicit-euler", a: [[1]], b: [1], c: [1],
                                                                     order: 1)

    /// Implicit midpoint, `Z = yₙ + (h/2) f(tₙ + h/2, Z)`, `yₙ₊₁ = yₙ + h f(tₙ + h/2, Z)`: the
    /// one-stage Gauss–Legendre method. Order 2, A-stable, symplectic. GSL's `rk2imp`.
    public static let implicitMidpoint = ImplicitRungeKuttaTableau(checked: "implicit-midpoint", a: [[0.5]], b: [1],
                                                                        c: [0.5], order: 2)

    /// The two-stage Gauss–Legendre method (Hammer–Hollingsworth): nodes `c = ½ ∓ √3/6`
    /// (the Gauss points on [0, 1]), `a = [[¼, ¼ − √3/6], [¼ + √3/6, ¼]]`, `b = (½, ½)`.
    /// Order 4 (= 2s), A-stable, symplectic. GSL's `rk4imp`.
    ///
    /// Reference: Butcher (1964), the Gauss method with s = 2; Hairer & Wanner II, §IV.5, Table 5.1.
    public static let gaussLegendre4: ImplicitRungeKuttaTableau = {
        let r = 3.0.squareRoot() / 6
        return ImplicitRungeKuttaTableau(checked: "gauss-legendre-4", a: [[0.25, 0.25 - r], [0.25 + r, 0.25]],
                                              b: [0.5, 0.5], c: [0.5 - r, 0.5 + r], order: 4)
    }()
}
