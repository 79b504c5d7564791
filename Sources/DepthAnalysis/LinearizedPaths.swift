// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The gradient of a residual network split over its paths, on the linearisation at the data.
///
/// The forward pass runs through the whole network; its Jacobian at the data is
/// `∏_l (I + J_l)` with `J_l = ∂G_l/∂x(x_l) = h·∂F_l/∂x(x_l)`. Expanding the product,
///
///     ∂ℓ/∂x_0 = Σ_{S ⊆ {0,…,L−1}} g_S,   g_S = ∂ℓ/∂x_L · ∏_{l∈S, descending} J_l,
///
/// where `g_S` is the gradient carried by the path through the branches in `S` and the
/// identity elsewhere. `g_S` is computed backwards from `∂ℓ/∂x_L`: through block `l ∈ S`
/// by the vector–Jacobian product of its branch (pullbacks recorded once, reused for every
/// path), through any other block unchanged. This is Veit et al.'s procedure: a full forward
/// pass, then a backward pass through the residual module of the sampled blocks only.
///
/// A general block `x_{l+1} = σ(S_l(x_l) + G_l(x_l))` (a projection shortcut, a final ReLU)
/// linearises to `D_l·(∂S_l/∂x + ∂G_l/∂x)`, `D_l = σ'(z_l)`; the same expansion then has the
/// path through block `l`'s shortcut `∂S_l/∂x` where an identity block has `I`, and each factor
/// is taken backwards as `σ`'s pullback followed by the branch's or the shortcut's.
///
/// Reference: Veit, Wilber & Belongie, NeurIPS 2016, §5; Papers/veit2016-ensembles.
public struct LinearizedPaths {
    /// `L`.
    public let depth: Int
    /// `ℓ(x_L)`.
    public let loss: Double
    /// `∂ℓ/∂x_L`.
    public let outputGradient: Tensor
    let branchPullbacks: [(Tensor) throws -> [Tensor]]
    /// The pullback of `S_l` (`nil` for the identity).
    let shortcutPullbacks: [((Tensor) throws -> [Tensor])?]
    /// The pullback of `σ` at `z_l` (`nil` without an output activation).
    let activationPullbacks: [((Tensor) throws -> [Tensor])?]

    /// Records the forward pass and each branch's pullback at the data.
    /// - Throws: `AnalysisError.requiresSkipConnection` for a plain block, `AnalysisError.nonScalarLoss`.
    public init(of chain: BlockChain, at x0: Tensor, loss: StateLoss) throws {
        try chain.requireSkips(for: "the path decomposition")
        let states = try chain.states(from: x0)
        let (value, pullback) = try valueWithPullback(at: [states[chain.depth]]) { try loss($0[0]) }
        guard value.count == 1, let lossValue = value.scalar else { throw AnalysisError.nonScalarLoss(shape: value.shape) }
        self.depth = chain.depth
        self.loss = lossValue
        self.outputGradient = try pullback(Tensor(shape: value.shape, scalars: [1]))[0]
        self.branchPullbacks = try chain.blocks.enumerated().map { l, block in
            try valueWithPullback(at: [states[l]]) { try block.branch($0[0]) }.pullback
        }
        self.shortcutPullbacks = try chain.blocks.enumerated().map { l, block in
            guard let shortcut = block.shortcut else { return nil }
            return try valueWithPullback(at: [states[l]]) { try shortcut($0[0]) }.pullback
        }
        self.activationPullbacks = try chain.blocks.enumerated().map { l, block in
            guard let activation = block.outputActivation else { return nil }
            let z = try block.preActivation(Variable(states[l])).value
            return try valueWithPullback(at: [z]) { try activation($0[0]) }.pullback
        }
    }

    /// `g_S`, the gradient at `x_0` carried by the path through the branches of `activeBlocks`.
    /// - Throws: `AnalysisError.blockIndexOutOfRange` for a bad index.
    public func gradient(through activeBlocks: Set<Int>) throws -> Tensor {
        for l in activeBlocks.sorted() where !(0..<depth).contains(l) {
            throw AnalysisError.blockIndexOutOfRange(index: l, depth: depth)
        }
        var g = outputGradient
        for l in stride(from: depth - 1, through: 0, by: -1) {
            if let activation = activationPullbacks[l] { g = try activation(g)[0] }
            if activeBlocks.contains(l) {
                g = try branchPullbacks[l](g)[0]
            } else if let shortcut = shortcutPullbacks[l] {
                g = try shortcut(g)[0]
            }
        }
        return g
    }
}
