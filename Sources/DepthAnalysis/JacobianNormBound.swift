// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore
import GSLBridge

/// The growth bound of a residual network's input–output Jacobian along one trajectory:
///
///     ‖∂x_L/∂x_0‖₂ ≤ ∏_l ‖I + h·∂F_l/∂x(x_l)‖₂ ≤ ∏_l (1 + |h|·‖∂F_l/∂x(x_l)‖₂) ≤ (1 + |h|·α)^L,
///     α = max_l ‖∂F_l/∂x(x_l)‖₂,
///
/// from submultiplicativity and the triangle inequality. With `h = T/L`, `(1 + hα)^L ≤ e^{αT}`
/// for every depth: the discrete counterpart of Grönwall's inequality. A plain block
/// contributes `‖∂F_l/∂x‖₂` instead of `1 + h‖∂F_l/∂x‖₂`, and `α` in the last bound.
///
/// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §I.10 (Grönwall); Papers/euler-convergence.
public struct JacobianNormBound: Sendable, Equatable {
    /// `‖∂x_L/∂x_0‖₂`, the largest singular value of the measured end-to-end Jacobian.
    public let measuredNorm: Double
    /// `‖∂F_l/∂x(x_l)‖₂` for every block, along the trajectory of the sample.
    public let fieldJacobianNorms: [Double]
    /// `∏_l (1 + h_l·‖∂F_l/∂x(x_l)‖₂)`.
    public let productBound: Double
    /// `∏_l (1 + h_l·α)` (= `(1 + hα)^L` for one step size), `α = max_l ‖∂F_l/∂x(x_l)‖₂`.
    public let uniformBound: Double
    /// `α`.
    public let maximumFieldJacobianNorm: Double

    /// Measures both sides at one input sample (`[d]` or `[1, d]`): `d` JVPs through the whole
    /// chain for the left side, and `d` JVPs per block for the factors.
    /// - Throws: shape errors, `AnalysisError.nonFinite`, GSL errors.
    public init(of chain: BlockChain, at sample: Tensor) throws {
        try chain.requireEulerSteps(for: "the Jacobian norm bound")
        let row = try RowJacobians.asRow(sample)
        let d = row.count
        let states = try chain.states(from: row)
        var norms: [Double] = []
        norms.reserveCapacity(chain.depth)
        for (l, block) in chain.blocks.enumerated() {
            let jacobian = try RowJacobians.jacobian(of: block.field, atSample: states[l])
            guard jacobian.allSatisfy(\.isFinite) else { throw AnalysisError.nonFinite(what: "∂F_\(l)/∂x") }
            norms.append(try GSLLinearAlgebra.singularValues(of: jacobian, rows: d, columns: d)[0])
        }
        let alpha = norms.max() ?? 0
        var product = 1.0, uniform = 1.0
        for (block, norm) in zip(chain.blocks, norms) {
            product *= block.hasSkip ? 1 + Swift.abs(block.stepSize) * norm : norm
            uniform *= block.hasSkip ? 1 + Swift.abs(block.stepSize) * alpha : alpha
        }
        self.measuredNorm = try JacobianSpectrum(of: chain, at: row).spectralNorm
        self.fieldJacobianNorms = norms
        self.productBound = product
        self.uniformBound = uniform
        self.maximumFieldJacobianNorm = alpha
    }
}
