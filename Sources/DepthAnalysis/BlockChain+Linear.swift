// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension BlockChain {
    /// Linear blocks `F_l(x) = A_l·x` (for a batch of row states, `x·A_lᵀ`):
    ///
    ///     residual:  x_{l+1} = (I + h·A_l)·x_l        plain:  x_{l+1} = A_l·x_l
    ///
    /// so `∂x_L/∂x_0 = ∏_l (I + h·A_l)` or `∏_l A_l` (later blocks on the left): the cases
    /// whose spectra and path decompositions are known in closed form.
    /// - Throws: `AnalysisError.shapeMismatch` unless every `A_l` is square of one size `d`.
    public static func linear(_ matrices: [Tensor], stepSize: Double, hasSkips: Bool) throws -> BlockChain {
        let d = matrices.first?.shape.first ?? 0
        var blocks: [NetworkBlock] = []
        for a in matrices {
            guard a.shape == [d, d], d > 0 else {
                throw AnalysisError.shapeMismatch(what: "a linear block's matrix", expected: [d, d], got: a.shape)
            }
            let matrix = a
            blocks.append(try NetworkBlock(field: { x in try Variable.matmul(x, Variable(matrix), transposeB: true) },
                                           stepSize: stepSize, hasSkip: hasSkips))
        }
        return BlockChain(blocks: blocks)
    }

    /// `depth` copies of one linear block `F(x) = A·x` (tied weights).
    public static func linear(_ matrix: Tensor, depth: Int, stepSize: Double, hasSkips: Bool) throws -> BlockChain {
        guard depth >= 1 else {
            throw AnalysisError.invalidArgument(name: "depth", value: "\(depth)", reason: "must be ≥ 1")
        }
        return try linear(Array(repeating: matrix, count: depth), stepSize: stepSize, hasSkips: hasSkips)
    }
}
