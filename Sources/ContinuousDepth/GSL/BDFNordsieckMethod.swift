// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Variable-step backward differentiation formulas of orders 1–5 in Nordsieck
/// form, in the fixed-leading-coefficient variant, as GSL's `msbdf` takes them.
///
/// With `ξᵢ = (tₙ₊₁ − tₙ₊₁₋ᵢ)/h` and `α₀ = −Σ_{j=1}^{q} 1/j`, the correction vector
/// of order `q ≥ 2` holds the coefficients of
///
///     Λ(x) = (1 + x·(−l̂₁ − α₀)) · Π_{i=1}^{q−1} (1 + x/ξᵢ),   l̂₁ = Σ_{i=1}^{q−1} 1/ξᵢ
///
/// (`l̂₁` the linear coefficient of the product), so `l₁ = −α₀` whatever the past
/// steps: the leading coefficient of the corrector `yₙ₊₁ = e + (h/l₁)·f` is fixed
/// (Jackson & Sacks-Davis). Order 1: `l = [1, 1]`, backward Euler.
///
/// Order changes (CVODE's `cvAdjustBDF`, with GSL's step sizes): lowering from
/// `q + 1` to `q` subtracts `lⱼ·z_{q+1}` from rows `2 … q`, `lⱼ` the coefficients of
/// `x²·Π_{i=1}^{q−1}(x + (tₙ − tₙ₋ᵢ)/h)` with `h` the new step; raising from `q − 1`
/// to `q > 2` sets `z_q = c·Δₙ` from the last correction, `c = −(α₀ + α₁)/Π ξ̃ᵢ`
/// (`ξ̃ᵢ = (h + hₙ₋₂ + … + hₙ₋₁₋ᵢ)/h`, `α₀ = −Σ_{j=1}^{q−1} 1/j`, `α₁ = 1 + Σ 1/ξ̃ᵢ`,
/// `i = 1 … q − 2`), and adds `lⱼ·z_q` to rows `2 … q − 1`, `lⱼ` the coefficients of
/// `x²·Π(x + ξ̃ᵢ₋₁)` (`ξ̃₀ = 1`); raising from 1 to 2 adds a zero row.
///
/// Reference: Jackson & Sacks-Davis, “An Alternative Implementation of Variable
/// Step-Size Multistep Formulas for Stiff ODEs”, ACM TOMS 6 (1980) 295–318;
/// Byrne & Hindmarsh, ACM TOMS 1 (1975) 71–96; the CVODE documentation
/// (Hindmarsh & Serban), §“Mathematical considerations”.
enum BDFNordsieckMethod: NordsieckMethod {
    static let maximumOrder = 5

    static func coefficients(order q: Int, stepSize h: Double, pastStepSizes: [Double]) throws -> [Double] {
        guard q >= 2 else { return [1, 1] }
        var l = [Double](repeating: 0, count: q + 1)
        l[0] = 1
        l[1] = 1
        var span = h
        var alpha0 = -1.0
        if q > 2 {
            for i in 2..<q {
                span += try pastStep(i - 2, in: pastStepSizes)
                alpha0 -= 1 / Double(i)
                for j in stride(from: i, to: 0, by: -1) { l[j] += h / span * l[j - 1] }
            }
        }
        alpha0 -= 1 / Double(q)
        let x = -l[1] - alpha0
        for i in stride(from: q, to: 0, by: -1) { l[i] += l[i - 1] * x }
        return l
    }

    static func raiseOrder(of history: inout NordsieckHistory, stepSize h: Double) throws {
        let q = history.order + 1
        guard q > 2 else {
            history.rows.append(try history.rows[0].scaled(by: 0))
            return
        }
        guard let correction = history.lastCorrection else {
            throw ContinuousDepthError.invalidArgument("a BDF order increase needs the last step's correction")
        }
        var l = [Double](repeating: 0, count: q + 1)
        l[2] = 1
        var span = h
        var alpha0 = -1.0, alpha1 = 1.0
        var previousRatio = 1.0, product = 1.0
        for i in 1..<(q - 1) {
            span += try pastStep(i, in: history.pastStepSizes)
            let ratio = span / h
            product *= ratio
            alpha0 -= 1 / Double(i + 1)
            alpha1 += 1 / ratio
            for j in stride(from: i + 2, to: 1, by: -1) { l[j] = l[j] * previousRatio + l[j - 1] }
            previousRatio = ratio
        }
        let top = try correction.scaled(by: (-alpha0 - alpha1) / product)
        for j in 2..<q {
            history.rows[j] = try NordsieckHistory.combination([(1, history.rows[j]), (l[j], top)]) ?? history.rows[j]
        }
        history.rows.append(top)
    }

    static func lowerOrder(of history: inout NordsieckHistory, stepSize h: Double) throws {
        let q = history.order - 1
        var l = [Double](repeating: 0, count: q + 2)
        l[2] = 1
        var span = 0.0
        for i in 1..<q {
            span += try pastStep(i - 1, in: history.pastStepSizes)
            for j in stride(from: i + 2, to: 1, by: -1) { l[j] = l[j] * (span / h) + l[j - 1] }
        }
        let top = history.rows[q + 1]
        if q >= 2 {
            for j in 2...q {
                history.rows[j] = try NordsieckHistory.combination([(1, history.rows[j]), (-l[j], top)]) ?? history.rows[j]
            }
        }
        history.rows.removeLast()
    }
}
