// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore
import GSLBridge

/// Every eigenvalue of the Hessian `H = ∇²L(θ)` of a small model, exactly (to rounding).
///
/// `H` is assembled row by row from `n` Hessian–vector products `H·e_j` over the flat
/// parameter vector (TensorCore's `hessian`), then diagonalised by GSL's symmetric QR
/// method (of `(H + Hᵀ)/2`, removing rounding asymmetry). Cost: `n` HVPs and `O(n³)`;
/// for large `n` use `LanczosEigenvalues` or `PowerIteration`.
///
/// At a critical point (`∇L = 0`) all eigenvalues ≥ 0 with one > 0 mean a local minimum,
/// eigenvalues of both signs a saddle. Reference: Nocedal & Wright, *Numerical
/// Optimization*, §2.1; Papers/seed-saddle (landscape and Hessian at the origin).
public struct HessianSpectrum: Sendable, Equatable {
    /// `L(θ)`.
    public let loss: Double
    /// `‖∇L(θ)‖₂`.
    public let gradientNorm: Double
    /// `H`, row-major `n × n`, in the flat parameter order of `ParameterVector`.
    public let matrix: [Double]
    /// `λ₁ ≤ … ≤ λ_n`.
    public let eigenvalues: [Double]
    /// Unit eigenvectors, `eigenvectors[k]` for `eigenvalues[k]` (flat parameter order).
    public let eigenvectors: [[Double]]

    /// `n`.
    public var dimension: Int { eigenvalues.count }

    /// The Hessian of `loss` at `parameters` and its eigendecomposition.
    /// - Throws: `AnalysisError` for an empty parameter list, a non-scalar loss or a
    ///   non-finite Hessian; whatever `loss` throws; GSL errors.
    public init(of loss: @escaping ParameterLoss, at parameters: [Tensor]) throws {
        let op = try HessianOperator(of: loss, at: parameters)
        let (value, gradient) = try op.valueAndGradient()
        let flat = try op.layout.flatten(parameters)
        let h = try hessian(at: flat) { v in try loss(try op.layout.unflatten(v)) }
        guard h.isFinite else { throw AnalysisError.nonFinite(what: "the Hessian") }
        let n = op.dimension
        let decomposition = try GSLLinearAlgebra.symmetricEigendecomposition(of: h.scalars, rows: n, columns: n)
        self.loss = value
        self.gradientNorm = gradient.l2Norm()
        self.matrix = h.scalars
        self.eigenvalues = decomposition.eigenvalues
        self.eigenvectors = decomposition.eigenvectors
    }
}
