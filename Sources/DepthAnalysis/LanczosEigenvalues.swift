// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore
import GSLBridge

/// Extreme eigenvalues of a symmetric operator (a Hessian) by the Lanczos method with
/// full reorthogonalisation, from `m` operator products.
///
///     β_j q_{j+1} = A q_j − α_j q_j − β_{j−1} q_{j−1},   α_j = q_jᵀ A q_j,   β_j = ‖·‖
///
/// builds an orthonormal basis `Q_m` of the Krylov space `span{q₁, A q₁, …, A^{m−1} q₁}` with
/// `Q_mᵀ A Q_m = T_m` tridiagonal. The eigenvalues of `T_m` (Ritz values, GSL symmetric QR)
/// approximate the extreme eigenvalues of `A` first. Every new vector is orthogonalised
/// twice against all previous ones (classical Gram–Schmidt, "twice is enough"), so the
/// basis stays orthonormal to rounding and no spurious copies appear. Each Ritz value `θ_i`
/// with `T_m s_i = θ_i s_i` satisfies `‖A y_i − θ_i y_i‖ = |β_m·s_{m,i}|` for `y_i = Q_m s_i`,
/// the residual bound reported. With `m = n` (and no breakdown) the Ritz values are
/// all eigenvalues of `A`.
///
/// Reference: Golub & Van Loan, *Matrix Computations*, 4th ed., §10.1 and §10.3.1;
/// Parlett, *The Symmetric Eigenvalue Problem*, §13.
public struct LanczosEigenvalues: Sendable, Equatable {
    /// The Ritz values `θ₁ ≤ … ≤ θ_m`.
    public let ritzValues: [Double]
    /// `|β_m·s_{m,i}|`, the residual norm of each Ritz pair (in the order of `ritzValues`).
    public let residualBounds: [Double]
    /// `m`, the number of operator products taken (fewer than asked if an invariant subspace was found).
    public let iterations: Int

    /// The `k` largest Ritz values, largest first.
    public func largest(_ k: Int) -> [Double] { Array(ritzValues.reversed().prefix(Swift.max(k, 0))) }
    /// The `k` smallest Ritz values, smallest first.
    public func smallest(_ k: Int) -> [Double] { Array(ritzValues.prefix(Swift.max(k, 0))) }

    /// Runs `iterations` Lanczos steps on the Hessian, from a seeded random unit start vector.
    public init(of hessian: HessianOperator, iterations: Int, seed: UInt64) throws {
        try self.init(dimension: hessian.dimension, iterations: iterations, seed: seed, applying: hessian.apply)
    }

    /// Runs `iterations` (at most `dimension`) Lanczos steps on a symmetric operator `v ↦ A·v` on `[n]` vectors.
    /// - Throws: `AnalysisError.invalidArgument` for `iterations < 1` or `dimension < 1`,
    ///   `AnalysisError.nonFinite` if a product is not finite, and GSL errors.
    public init(dimension n: Int, iterations: Int, seed: UInt64, applying operation: (Tensor) throws -> Tensor) throws {
        guard n >= 1 else { throw AnalysisError.invalidArgument(name: "dimension", value: "\(n)", reason: "must be ≥ 1") }
        guard iterations >= 1 else {
            throw AnalysisError.invalidArgument(name: "iterations", value: "\(iterations)", reason: "must be ≥ 1")
        }
        let m = Swift.min(iterations, n)
        var generator = SeededGenerator(seed: seed)
        var q = try Tensor.randomNormal([n], using: &generator)
        let size = q.l2Norm()
        if size > 0 { q = q / size }
        var basis: [Tensor] = []
        var alphas: [Double] = [], betas: [Double] = []
        var lastBeta = 0.0
        var scale = 0.0
        for j in 0..<m {
            basis.append(q)
            var w = try operatorProduct(operation, q, dimension: n)
            let alpha = try q.dot(w)
            alphas.append(alpha)
            try w.add(q, scaledBy: -alpha)
            if j > 0 { try w.add(basis[j - 1], scaledBy: -betas[j - 1]) }
            for _ in 0..<2 {
                for b in basis { try w.add(b, scaledBy: -(try b.dot(w))) }
            }
            let beta = w.l2Norm()
            scale = Swift.max(scale, Swift.abs(alpha), beta)
            lastBeta = beta
            if j == m - 1 { break }
            // Breakdown: the Krylov space is invariant, so its Ritz values are exact eigenvalues.
            if beta <= 1e-12 * Swift.max(scale, .leastNormalMagnitude) { lastBeta = 0; break }
            betas.append(beta)
            q = w / beta
        }
        let k = alphas.count
        var t = [Double](repeating: 0, count: k * k)
        for i in 0..<k {
            t[i * k + i] = alphas[i]
            if i + 1 < k { t[i * k + i + 1] = betas[i]; t[(i + 1) * k + i] = betas[i] }
        }
        let decomposition = try GSLLinearAlgebra.symmetricEigendecomposition(of: t, rows: k, columns: k)
        self.ritzValues = decomposition.eigenvalues
        self.residualBounds = decomposition.eigenvectors.map { Swift.abs(lastBeta * ($0.last ?? 0)) }
        self.iterations = k
    }
}

/// `A·v` as a `[n]` vector.
/// - Throws: `AnalysisError.shapeMismatch` unless the product has `n` elements, `AnalysisError.nonFinite` unless all are finite.
func operatorProduct(_ operation: (Tensor) throws -> Tensor, _ v: Tensor, dimension n: Int) throws -> Tensor {
    let w = try operation(v)
    guard w.count == n else { throw AnalysisError.shapeMismatch(what: "an operator product", expected: [n], got: w.shape) }
    guard w.isFinite else { throw AnalysisError.nonFinite(what: "an operator product") }
    return try w.reshaped(to: [n])
}
