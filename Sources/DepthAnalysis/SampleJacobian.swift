// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore
import GSLBridge

/// The Jacobian `J = ∂x_L/∂x_0` of a network at one input sample, of any shape, taken on
/// the flattened sample: `d = C·H·W` inputs, `d' = C'·H'·W'` outputs, so `J` is `d' × d` and
/// need not be square (a convolutional ResNet's stages change the number of channels and
/// the resolution). `J` is assembled column by column from forward-mode products `J·e_j`
/// (one JVP through the whole chain per input dimension); its singular values
/// `σ₁ ≥ … ≥ σ_min(d, d') ≥ 0` say how much the network stretches each direction.
/// For a square `J` `JacobianSpectrum` also gives the eigenvalues.
///
/// The blocks must act on each sample independently (batch normalisation in evaluation mode).
public struct SampleJacobian: Sendable, Equatable {
    /// `d'`, the number of outputs per sample.
    public let rows: Int
    /// `d`, the number of inputs per sample.
    public let columns: Int
    /// `J` row-major: entry `(i, j)` at `i·d + j` is `∂x_{L,i}/∂x_{0,j}` (flattened indices).
    public let matrix: [Double]
    /// `σ₁ ≥ σ₂ ≥ … ≥ 0`, `min(d, d')` of them (GSL Golub–Reinsch SVD).
    public let singularValues: [Double]

    /// `‖J‖₂ = σ₁`.
    public var spectralNorm: Double { singularValues.first ?? 0 }

    /// The Jacobian of the chain at one sample (`[d]`, `[1, d]` or `[1, C, H, W]`).
    /// - Throws: `AnalysisError.shapeMismatch` for a batch of more than one sample,
    ///   `AnalysisError.nonFinite` if `J` has NaN or ±Inf, and GSL errors.
    public init(of chain: BlockChain, at sample: Tensor) throws {
        try self.init(of: chain.forward, at: sample)
    }

    /// The Jacobian of any per-sample map `f` (for example stem, chain and head of a
    /// convolutional ResNet composed) at one sample.
    public init(of f: (Variable) throws -> Variable, at sample: Tensor) throws {
        let row = try RowJacobians.asRow(sample)
        let matrix = try RowJacobians.jacobian(of: f, atSample: row)
        guard matrix.allSatisfy(\.isFinite) else { throw AnalysisError.nonFinite(what: "the Jacobian ∂x_L/∂x_0") }
        self.columns = row.count
        self.rows = matrix.count / Swift.max(row.count, 1)
        self.matrix = matrix
        self.singularValues = try GSLLinearAlgebra.singularValues(of: matrix, rows: rows, columns: columns)
    }
}
