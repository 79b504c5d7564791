// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A scalar loss of the final state, `ℓ(x_L)` (e.g. a mean squared error against targets).
public typealias StateLoss = (Variable) throws -> Variable

/// The gradient through one block, split into its two paths. For a residual block
/// `x_{l+1} = x_l + h·F_l(x_l)` the chain rule gives
///
///     ∂ℓ/∂x_l = ∂ℓ/∂x_{l+1} · (I + h·∂F_l/∂x)
///             = ∂ℓ/∂x_{l+1}  +  h·(∂ℓ/∂x_{l+1})·∂F_l/∂x
///               identity part    residual part
///
/// A plain block `x_{l+1} = F_l(x_l)` has no identity part: `∂ℓ/∂x_l = (∂ℓ/∂x_{l+1})·∂F_l/∂x`.
///
/// A general block `x_{l+1} = σ(z)`, `z = S_l(x_l) + G_l(x_l)` (a shortcut `S_l` such as a
/// projection, an output activation `σ` such as ReLU) splits the same way after `σ`:
/// with `ḡ = (∂ℓ/∂x_{l+1})·σ'(z)`,
///
///     ∂ℓ/∂x_l = ḡ·∂S_l/∂x  +  ḡ·∂G_l/∂x
///               identity part  residual part   (identity part = through the shortcut)
///
/// which reduces to the first form for `S_l = I` and no `σ`.
public struct GradientSplit: Sendable, Equatable {
    /// `∂ℓ/∂x_l`, the vector–Jacobian product of the whole block (one reverse pass through it).
    public let total: Tensor
    /// The part through the shortcut: `∂ℓ/∂x_{l+1}` carried unchanged by an identity skip,
    /// `ḡ·∂S_l/∂x` in general (zero for a plain block).
    public let identityPart: Tensor
    /// `ḡ·∂G_l/∂x` with `G_l = h·F_l` (or `F_l`), `ḡ = ∂ℓ/∂x_{l+1}` without `σ`: the reverse pass through the branch only.
    public let residualPart: Tensor
}

/// The norms of the gradient at every state of a network, and of its two parts per block.
public struct GradientFlowProfile: Sendable, Equatable {
    /// `ℓ(x_L)`.
    public let loss: Double
    /// `‖∂ℓ/∂x_l‖` (Frobenius over the batch) for `l = 0, …, L` (L + 1 entries).
    public let gradientNorms: [Double]
    /// `‖∂ℓ/∂x_{l+1}‖` for block `l = 0, …, L−1` (zero for plain blocks).
    public let identityNorms: [Double]
    /// `‖h·(∂ℓ/∂x_{l+1})·∂F_l/∂x‖` for block `l = 0, …, L−1`.
    public let residualNorms: [Double]
    /// The tensors behind the norms, block by block.
    public let splits: [GradientSplit]
}

/// A residual network and its plain twin with the same fields `F_l` (the same weights).
public struct GradientFlowComparison: Sendable, Equatable {
    /// `x_{l+1} = x_l + h·F_l(x_l)`.
    public let residual: GradientFlowProfile
    /// `x_{l+1} = F_l(x_l)`.
    public let plain: GradientFlowProfile
}

/// Gradient flow through depth: how `‖∂ℓ/∂x_l‖` changes from the output back to the input.
///
/// In a plain network `∂ℓ/∂x_0 = ∂ℓ/∂x_L · ∏_l ∂F_l/∂x`, a product of `L` Jacobians that
/// vanishes or explodes geometrically in `L`; in a residual network each factor is
/// `I + h·∂F_l/∂x`, and the identity part carries `∂ℓ/∂x_L` to every layer undiminished.
///
/// Reference: He et al., "Identity mappings in deep residual networks" (ECCV 2016), eq. (5);
/// Papers/seed-gradient-highway.
public enum GradientFlow {
    /// The gradient at every state and its split into identity and residual parts per block,
    /// each computed by reverse-mode vector–Jacobian products of the block and of its branch.
    ///
    /// - Parameters:
    ///   - chain: the network's blocks.
    ///   - x0: the inputs `[batch, d]` (or `[batch, C, H, W]` for convolutional blocks).
    ///   - loss: `ℓ(x_L)`, returning one element.
    /// - Throws: `AnalysisError.nonScalarLoss`, shape errors from the blocks.
    public static func measure(_ chain: BlockChain, at x0: Tensor, loss: StateLoss) throws -> GradientFlowProfile {
        let states = try chain.states(from: x0)
        let (value, pullback) = try valueWithPullback(at: [states[chain.depth]]) { try loss($0[0]) }
        guard value.count == 1, let lossValue = value.scalar else { throw AnalysisError.nonScalarLoss(shape: value.shape) }
        let outputGradient = try pullback(Tensor(shape: value.shape, scalars: [1]))[0]
        var g = outputGradient
        var splits: [GradientSplit] = []
        splits.reserveCapacity(chain.depth)
        for l in stride(from: chain.depth - 1, through: 0, by: -1) {
            let block = chain.blocks[l]
            let total = try vectorJacobianProduct(at: [states[l]], cotangent: g) { try block($0[0]) }.products[0]
            // ḡ = g·σ'(z), the cotangent of the pre-activation z = S(x) + G(x) (g itself without σ).
            var preActivationGradient = g
            if block.outputActivation != nil {
                let z = try block.preActivation(Variable(states[l])).value
                preActivationGradient = try vectorJacobianProduct(at: [z], cotangent: g) { try block.activated($0[0]) }.products[0]
            }
            let residual = try vectorJacobianProduct(at: [states[l]], cotangent: preActivationGradient) { try block.branch($0[0]) }.products[0]
            let identity: Tensor
            if !block.hasSkip {
                identity = Tensor.zeros(like: total)
            } else if block.shortcut == nil {
                identity = preActivationGradient
            } else {
                identity = try vectorJacobianProduct(at: [states[l]], cotangent: preActivationGradient) {
                    try block.shortcutPath($0[0])
                }.products[0]
            }
            splits.append(GradientSplit(total: total, identityPart: identity, residualPart: residual))
            g = total
        }
        splits.reverse()
        return GradientFlowProfile(loss: lossValue, gradientNorms: splits.map { $0.total.l2Norm() } + [outputGradient.l2Norm()],
                                   identityNorms: splits.map { $0.identityPart.l2Norm() },
                                   residualNorms: splits.map { $0.residualPart.l2Norm() }, splits: splits)
    }

    /// `measure` on the residual network and on its plain twin `x_{l+1} = F_l(x_l)`.
    public static func compareWithPlainTwin(_ chain: BlockChain, at x0: Tensor,
                                            loss: StateLoss) throws -> GradientFlowComparison {
        GradientFlowComparison(residual: try measure(chain.withSkips(true), at: x0, loss: loss),
                               plain: try measure(chain.withSkips(false), at: x0, loss: loss))
    }
}
