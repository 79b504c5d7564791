// SPDX-License-Identifier: GPL-3.0-or-later

/// The extrapolation of GSL's `bsimp` step: `K` sweeps of the linearly implicit
/// midpoint rule over one step `h` with `nₖ` substeps each give values `Tₖ` whose
/// error expands in even powers of the substep, `Tₖ = y + Σⱼ cⱼ (h/nₖ)²ʲ`; the
/// polynomial in `x = (h/n)²` through the points `(xₖ, Tₖ)`, evaluated at `x = 0`
/// (Aitken–Neville, as GSL computes it), is the fixed linear combination
///
///     y_extrapolated = Σₖ wₖ Tₖ,   wₖ = Πⱼ≠ₖ xⱼ/(xⱼ − xₖ) = Πⱼ≠ₖ nₖ²/(nₖ² − nⱼ²),
///
/// the Lagrange basis polynomials at 0. The weights depend on the substep counts
/// only, not on `h`, and sum to 1 (a polynomial of degree 0 is reproduced).
///
/// The counts are Bader and Deuflhard's sequence `2, 6, 10, 14, 22, 34, 50, 70`.
/// GSL fixes the number of sweeps when the stepper is allocated, by Deuflhard's
/// work-per-step criterion at accuracy `√ε_machine`; for every dimension from 1 to
/// 10⁵ the criterion picks 7 sweeps (`2, …, 50`: 138 substeps, one evaluation each),
/// and GSL reports the order `2·(sweeps − 1) = 12` (a test asks
/// `gsl_odeiv2_step_order`). Σₖ |wₖ| ≈ 5.1 bounds how much the combination
/// amplifies the sweeps' rounding.
///
/// Reference: Bader & Deuflhard, *A semi-implicit mid-point rule for stiff systems
/// of ordinary differential equations*, Numer. Math. 41 (1983) 373–398 (the
/// sequence and the extrapolation in `(h/n)²`); Hairer & Wanner, *Solving ODEs II*,
/// §IV.9 (linearly implicit extrapolation); Deuflhard, SIAM Review 27 (1985) 505
/// (the order choice).
public enum BaderDeuflhardExtrapolation {
    /// Bader and Deuflhard's substep sequence.
    public static let sequence = [2, 6, 10, 14, 22, 34, 50, 70]

    /// The number of sweeps GSL's `bsimp` takes every step (its order choice plus one).
    public static let sweepCount = 7

    /// The substep counts of GSL's sweeps: `2, 6, 10, 14, 22, 34, 50`.
    public static var substepCounts: [Int] { Array(sequence.prefix(sweepCount)) }

    /// The Lagrange weights `wₖ = Πⱼ≠ₖ nₖ²/(nₖ² − nⱼ²)` of extrapolation to
    /// `(h/n)² → 0` from sweeps with `counts` substeps (distinct positive integers).
    public static func lagrangeWeights(substepCounts counts: [Int]) -> [Double] {
        counts.indices.map { k in
            let nk = Double(counts[k] * counts[k])
            var weight = 1.0
            for j in counts.indices where j != k {
                let nj = Double(counts[j] * counts[j])
                weight *= nk / (nk - nj)
            }
            return weight
        }
    }

    /// The weights of GSL's seven sweeps.
    public static let weights = lagrangeWeights(substepCounts: substepCounts)
}
