// SPDX-License-Identifier: GPL-3.0-or-later

/// The dense output of an explicit Runge–Kutta step as stage weights that are
/// polynomials in `θ`: inside the step from `tₙ` of size `h`,
///
///     y(tₙ + θh) ≈ yₙ + h Σᵢ bᵢ(θ) kᵢ,   bᵢ(θ) = Σₘ Bᵢₘ θᵐ  (m = 1 … M),   θ ∈ [0, 1]
///
/// over the stages `k₁ … k_s` and, when `usesEndDerivative`, one more "stage"
/// `k_{s+1} = f(tₙ₊₁, yₙ₊₁)` (the next step's first stage for a method that is
/// not FSAL). Linear in `yₙ` and the stages, so it is differentiated like a step.
/// `bᵢ(0) = 0` by construction; a consistent extension has `Σᵢ bᵢ(θ) = θ` and
/// `bᵢ(1) = bᵢ`. `order` is its uniform accuracy `q`: error `O(h^(q+1))` in a step.
///
/// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.6 (continuous
/// Runge–Kutta methods, Hermite interpolation).
public struct ContinuousExtension: Sendable, Equatable {
    /// `Bᵢₘ`: row `i` holds the coefficients of `θ¹ … θᴹ` in `bᵢ(θ)`.
    public let coefficients: [[Double]]
    /// `q`, the interpolant's order.
    public let order: Int
    /// Whether the last row weighs `f(tₙ₊₁, yₙ₊₁)` beyond the method's stages.
    public let usesEndDerivative: Bool

    public init(coefficients: [[Double]], order: Int, usesEndDerivative: Bool = false) {
        self.coefficients = coefficients
        self.order = order
        self.usesEndDerivative = usesEndDerivative
    }

    /// `bᵢ(θ)` for every row, by Horner's rule.
    public func weights(at theta: Double) -> [Double] {
        coefficients.map { row in
            var value = 0.0
            for c in row.reversed() { value = (value + c) * theta }
            return value
        }
    }

    /// The cubic Hermite interpolant of `yₙ, yₙ₊₁` and the end slopes `f(tₙ, yₙ) = k₁`,
    /// `f(tₙ₊₁, yₙ₊₁)`, written as stage weights (order 3):
    ///
    ///     y(θ) = yₙ + (3θ² − 2θ³)(yₙ₊₁ − yₙ) + h(θ − 2θ² + θ³) k₁ + h(θ³ − θ²) f(tₙ₊₁, yₙ₊₁)
    ///     bᵢ(θ) = (3θ² − 2θ³) bᵢ + (θ − 2θ² + θ³) δᵢ₁ + (θ³ − θ²) δᵢ,end
    ///
    /// With `isFirstSameAsLast` the end slope is the last stage; otherwise it is an
    /// extra row (`usesEndDerivative`).
    public static func hermite(weights b: [Double], isFirstSameAsLast: Bool) -> ContinuousExtension {
        let s = b.count
        let rows = isFirstSameAsLast ? s : s + 1
        let end = rows - 1
        let coefficients = (0..<rows).map { i -> [Double] in
            let bi = i < s ? b[i] : 0
            var row = [0, 3 * bi, -2 * bi]
            if i == 0 { row = [row[0] + 1, row[1] - 2, row[2] + 1] }
            if i == end { row = [row[0], row[1] - 1, row[2] + 1] }
            return row
        }
        return ContinuousExtension(coefficients: coefficients, order: 3, usesEndDerivative: !isFirstSameAsLast)
    }
}
