// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The fit of a network truncated after each block: how much of the error each block removes.
public struct StagewiseFit: Sendable, Equatable {
    /// `‖y − readout(x_l)‖` (Frobenius over the batch) for `l = 0, …, L`.
    public let residualNorms: [Double]
    /// `‖y − readout(x_l)‖² / count(y)` for `l = 0, …, L`.
    public let meanSquaredErrors: [Double]

    /// `MSE_l − MSE_{l+1}`, the error removed by block `l` (L entries; negative if it added error).
    public var improvements: [Double] { zip(meanSquaredErrors, meanSquaredErrors.dropFirst()).map { $0 - $1 } }
}

/// The boosting view of a residual network: `x_L = x_0 + Σ_l G_l(x_l)` is an additive
/// model built stage by stage, each block adding a correction `G_l` to the running
/// prediction, as a gradient-boosting round fits the current residual. Truncating after
/// block `l` gives the stage-`l` model `readout(x_l)`; its error against the targets
/// measures what the blocks up to `l` have removed.
///
/// Reference: Huang, Ash, Langford & Schapire, "Learning deep ResNet blocks sequentially
/// using boosting theory" (ICML 2018); Veit et al. (NeurIPS 2016).
public enum BoostingView {
    /// `‖y − readout(x_l)‖` and the MSE at every truncation depth `l = 0, …, L`.
    /// - Parameters:
    ///   - chain: the network's blocks.
    ///   - x0: the inputs `[batch, d]`.
    ///   - y: the targets the stage-wise predictions are compared with.
    ///   - readout: maps a state `x_l [batch, d]` to a prediction of the shape of `targets`
    ///     (the identity when the state is the prediction).
    /// - Throws: `AnalysisError.shapeMismatch` when a prediction's shape differs from the targets'.
    public static func stagewiseFit(of chain: BlockChain, inputs x0: Tensor, targets y: Tensor,
                                    readout: (Tensor) throws -> Tensor) throws -> StagewiseFit {
        var norms: [Double] = [], errors: [Double] = []
        for state in try chain.states(from: x0) {
            let prediction = try readout(state)
            guard prediction.shape == y.shape else {
                throw AnalysisError.shapeMismatch(what: "the readout's prediction", expected: y.shape, got: prediction.shape)
            }
            let norm = try (y - prediction).l2Norm()
            norms.append(norm)
            errors.append(norm * norm / Double(Swift.max(y.count, 1)))
        }
        return StagewiseFit(residualNorms: norms, meanSquaredErrors: errors)
    }

    /// `evaluate(x_l)` for every truncation depth `l = 0, …, L` (e.g. the loss of the readout of `x_l`).
    public static func truncationLosses(of chain: BlockChain, inputs x0: Tensor,
                                        evaluate: (Tensor) throws -> Double) throws -> [Double] {
        try chain.states(from: x0).map(evaluate)
    }
}
