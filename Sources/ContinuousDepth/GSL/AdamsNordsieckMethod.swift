// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Variable-step Adams–Moulton methods of orders 1–12 in Nordsieck form, as GSL's
/// `msadams` takes them (predictor by the Pascal matrix, one implicit corrector).
///
/// With `ξᵢ = (tₙ₊₁ − tₙ₊₁₋ᵢ)/h` (`ξ₁ = 1`) over the last `q − 1` steps, the
/// correction vector of order `q ≥ 2` comes from
///
///     Λ(x) = Π_{i=1}^{q−1} (1 + x/ξᵢ) = Σ cⱼ xʲ,   lⱼ = c_{j−1} / (j·∫₋₁⁰ Λ(x) dx),   l₀ = 1,
///
/// so that `lⱼ` are the coefficients of `∫₋₁ˣ Λ / ∫₋₁⁰ Λ` (order 1: `l = [1, 1]`,
/// backward Euler). `l₁ = 1/∫₋₁⁰ Λ`, and `z₁` after a step is `h·f(tₙ₊₁, yₙ₊₁)`.
///
/// Order changes (Byrne & Hindmarsh 1975, §4; CVODE's `cvAdjustAdams`): raising the
/// order adds a zero row `z_{q+1}`; lowering it from `q + 1` to `q` subtracts
/// `lⱼ·z_{q+1}` from rows `2 … q`, with `lⱼ` from `x·Π_{i=1}^{q−1}(x + ξ̂ᵢ)`,
/// `ξ̂ᵢ = (tₙ − tₙ₋ᵢ)/hₙ₋₁`, followed by the recurrence `l_{j+1} = (q + 1)·lⱼ/(j + 1)`
/// for `j = 1 … q − 1` applied in increasing `j` on the updated values, as GSL (and
/// CVODE) evaluate it — the replay must take the same map as GSL, not a cleaner one.
///
/// Reference: Byrne & Hindmarsh, ACM TOMS 1 (1975) 71–96; Brown, Byrne & Hindmarsh,
/// “VODE: A Variable-coefficient ODE Solver”, SIAM J. Sci. Stat. Comput. 10 (1989)
/// 1038–1051; the CVODE documentation (Hindmarsh & Serban), §“Mathematical considerations”.
enum AdamsNordsieckMethod: NordsieckMethod {
    static let maximumOrder = 12

    static func coefficients(order q: Int, stepSize h: Double, pastStepSizes: [Double]) throws -> [Double] {
        guard q >= 2 else { return [1, 1] }
        // Λ's coefficients, one factor (1 + x·h/(tₙ₊₁ − tₙ₊₁₋ᵢ)) at a time.
        var c = [Double](repeating: 0, count: q + 1)
        c[0] = 1
        var span = h
        for i in 1..<q {
            for j in stride(from: i, to: 0, by: -1) { c[j] += c[j - 1] * h / span }
            if i < q - 1 { span += try pastStep(i - 1, in: pastStepSizes) }
        }
        // ∫₋₁⁰ Λ(x) dx.
        var integral = 0.0
        for i in 0..<q { integral += (i % 2 == 0 ? 1 : -1) * c[i] / Double(i + 1) }
        var l = [Double](repeating: 0, count: q + 1)
        l[0] = 1
        for j in 1...q { l[j] = c[j - 1] / (Double(j) * integral) }
        return l
    }

    static func raiseOrder(of history: inout NordsieckHistory, stepSize h: Double) throws {
        history.rows.append(try history.rows[0].scaled(by: 0))
    }

    static func lowerOrder(of history: inout NordsieckHistory, stepSize h: Double) throws {
        let q = history.order - 1
        var l = [Double](repeating: 0, count: q + 2)
        l[1] = 1
        let last = try pastStep(0, in: history.pastStepSizes)
        var span = 0.0
        for i in 1..<q {
            span += try pastStep(i - 1, in: history.pastStepSizes)
            let xi = span / last
            for j in stride(from: i + 1, to: 0, by: -1) { l[j] = l[j] * xi + l[j - 1] }
        }
        for j in 1..<q { l[j + 1] = Double(q + 1) * l[j] / Double(j + 1) }
        let top = history.rows[q + 1]
        if q >= 2 {
            for j in 2...q {
                history.rows[j] = try NordsieckHistory.combination([(1, history.rows[j]), (-l[j], top)]) ?? history.rows[j]
            }
        }
        history.rows.removeLast()
    }
}
