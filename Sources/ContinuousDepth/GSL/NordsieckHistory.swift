// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The Nordsieck array of a variable-step, variable-order multistep method, on the tape:
///
///     zₙ = [yₙ, h·yₙ′, h²·yₙ″/2!, …, h^q·yₙ^(q)/q!]   (rows z₀ … z_q, each shaped like y)
///
/// with `h` the step it is scaled for. One step of order `q` from `tₙ` to `tₙ + h`
/// (Byrne & Hindmarsh 1975, §2; CVODE's `cvPredict`, `cvRescale`, `cvCorrect`):
///
/// 1. rescale to the new step, `z_j ← (h/h_old)^j·z_j`;
/// 2. predict with the Pascal matrix, `z_j^(0) = Σ_{k ≥ j} C(k, j)·z_k` (Taylor's
///    expansion of the interpolating polynomial to `tₙ + h`);
/// 3. correct along the method's vector `l` (`l₀ = 1`): `zₙ₊₁ = z^(0) + l·Δ`, where
///    `Δ = yₙ₊₁ − z₀^(0)` solves `h·f(tₙ₊₁, z₀^(0) + Δ) = z₁^(0) + l₁·Δ`, i.e.
///
///        yₙ₊₁ = e + s·f(tₙ₊₁, yₙ₊₁),   e = z₀^(0) − z₁^(0)/l₁,   s = h/l₁
///
///    (one implicit stage, `NordsieckCorrector`).
///
/// Every step but the corrector is a linear map of the rows with constant
/// coefficients (the step sizes are constants), so it is recorded as `Variable`
/// arithmetic. Order changes adjust the rows by the method (`NordsieckMethod`).
/// The history keeps the past step sizes (most recent first, as GSL's `hprev`)
/// and the last correction `Δ`, which the BDF order increase needs.
///
/// Reference: Byrne & Hindmarsh, “A Polyalgorithm for the Numerical Solution of
/// Ordinary Differential Equations”, ACM TOMS 1 (1975) 71–96; Hindmarsh et al.,
/// “SUNDIALS: Suite of Nonlinear and Differential/Algebraic Equation Solvers”,
/// ACM TOMS 31 (2005) 363–396, §2.1 (CVODE).
struct NordsieckHistory {
    /// `z₀ … z_q`.
    var rows: [Variable]
    /// The step `h` the rows are scaled for (the last step taken).
    var stepSize: Double
    /// The accepted step sizes, most recent first (`hₙ₋₁, hₙ₋₂, …`; `hprev` in GSL).
    var pastStepSizes: [Double] = []
    /// `Δ` of the last step.
    var lastCorrection: Variable?

    /// More past steps than any order's coefficients read (Adams order 12 reads 11).
    static let keptStepSizes = 16

    /// `q`.
    var order: Int { rows.count - 1 }

    /// The history of a (re)started method: order 1, `z = [y, h·f(t, y)]`.
    init(state y: Variable, scaledSlope hf: Variable, stepSize h: Double) {
        rows = [y, hf]
        stepSize = h
    }

    /// `Σ cᵢ·vᵢ` on the tape, skipping zero coefficients (`nil` when all are zero).
    static func combination(_ terms: [(coefficient: Double, row: Variable)]) throws -> Variable? {
        var total: Variable?
        for (c, row) in terms where c != 0 {
            let term = c == 1 ? row : try row.scaled(by: c)
            total = try total.map { try $0 + term } ?? term
        }
        return total
    }

    /// The predicted rows `z_j^(0) = Σ_{k ≥ j} C(k, j)·r^k·z_k` for the step `h`,
    /// `r = h/stepSize` (steps 1 and 2 above in one linear map).
    func predicted(for h: Double) throws -> [Variable] {
        let q = order
        let ratio = h / stepSize
        var powers = [Double](repeating: 1, count: q + 1)
        for k in stride(from: 1, through: q, by: 1) { powers[k] = powers[k - 1] * ratio }
        var binomial = [[Double]](repeating: [Double](repeating: 0, count: q + 1), count: q + 1)
        for k in 0...q {
            binomial[k][0] = 1
            for j in stride(from: 1, through: k, by: 1) { binomial[k][j] = binomial[k - 1][j - 1] + binomial[k - 1][j] }
        }
        return try (0...q).map { j in
            let terms = (j...q).map { k in (coefficient: binomial[k][j] * powers[k], row: rows[k]) }
            guard let row = try NordsieckHistory.combination(terms) else {
                return try rows[j].scaled(by: 0)
            }
            return row
        }
    }

    /// Step 3: `z = z^(0) + l·Δ` with `z₀ = yₙ₊₁` itself, then the step becomes history.
    mutating func correct(predicted: [Variable], solution y: Variable, coefficients l: [Double],
                          stepSize h: Double) throws {
        let correction = try y - predicted[0]
        var corrected = [y]
        for j in 1..<predicted.count {
            corrected.append(try NordsieckHistory.combination([(1, predicted[j]), (l[j], correction)]) ?? predicted[j])
        }
        rows = corrected
        pastStepSizes.insert(h, at: 0)
        if pastStepSizes.count > NordsieckHistory.keptStepSizes { pastStepSizes.removeLast() }
        stepSize = h
        lastCorrection = correction
    }
}
