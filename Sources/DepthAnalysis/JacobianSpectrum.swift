// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore
import GSLBridge

/// The end-to-end Jacobian `J = ∂x_L/∂x_0` of a network at one input, and its spectrum.
///
/// `J` is assembled column by column from forward-mode products `J·e_j` (one JVP
/// through the whole network per input dimension). Its singular values `σ_i` say how
/// much the network stretches each direction (`‖J‖₂ = σ₁`); its eigenvalues `μ_i` are
/// those of the linearised map. For linear residual blocks `x + h·A·x`, `μ_i = (1 + hλ_i)^L`;
/// for plain blocks `A·x`, `μ_i = λ_i^L` (see `LinearBlockSpectrum`).
public struct JacobianSpectrum: Sendable, Equatable {
    /// `d`, the state dimension.
    public let dimension: Int
    /// `J` row-major: entry `(i, j)` at `i·d + j` is `∂x_{L,i}/∂x_{0,j}`.
    public let matrix: [Double]
    /// `σ₁ ≥ σ₂ ≥ … ≥ σ_d ≥ 0` (GSL Golub–Reinsch SVD).
    public let singularValues: [Double]
    /// Eigenvalues of `J`, sorted by real part then imaginary part (GSL Francis QR).
    public let eigenvalues: [GSLComplexNumber]

    /// `‖J‖₂ = σ₁`.
    public var spectralNorm: Double { singularValues.first ?? 0 }

    /// The spectrum of `∂x_L/∂x_0` for the chain at one input sample (`[d]` or `[1, d]`).
    /// - Throws: `AnalysisError.shapeMismatch` for a batch of more than one sample,
    ///   `AnalysisError.nonFinite` if `J` has NaN or ±Inf, and GSL errors.
    public init(of chain: BlockChain, at sample: Tensor) throws {
        let matrix = try RowJacobians.jacobian(of: chain.forward, atSample: sample)
        try self.init(matrix: matrix, dimension: sample.count)
    }

    /// The spectrum of a given square matrix `J` (row-major `d × d`).
    public init(matrix: [Double], dimension d: Int) throws {
        guard d >= 1, matrix.count == d * d else {
            throw AnalysisError.shapeMismatch(what: "a square Jacobian", expected: [d, d], got: [matrix.count])
        }
        guard matrix.allSatisfy(\.isFinite) else { throw AnalysisError.nonFinite(what: "the Jacobian ∂x_L/∂x_0") }
        self.dimension = d
        self.matrix = matrix
        self.singularValues = try GSLLinearAlgebra.singularValues(of: matrix, rows: d, columns: d)
        self.eigenvalues = try GSLLinearAlgebra.eigenvalues(of: matrix, rows: d, columns: d)
    }
}
