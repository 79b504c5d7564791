// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore
import ResidualNets

/// A convolutional ResNet cut into the three parts the depth measurements need:
///
///     logits = head(chain(stem(x)))
///     stem:   conv 3×3 → BN → ReLU (post-activation) or conv 3×3 (pre-activation)
///     chain:  the residual blocks, x_{l+1} = σ(S_l(x_l) + h·F_l(x_l)), as a `BlockChain`
///     head:   (BN → ReLU for pre-activation,) global average pooling → linear read-out
///
/// Every part runs batch normalisation in evaluation mode (running statistics), so each
/// acts on each sample independently and the per-sample Jacobians are well defined.
/// The weights are the network's current ones, captured as constants.
public struct ConvolutionalResNetParts: Sendable {
    /// `[N, C, H, W]` (or its flattening `[N, C·H·W]`) → the first block's input.
    public let stem: BlockField
    /// The residual blocks (`3n` of them) or the plain twin's blocks.
    public let chain: BlockChain
    /// The last block's output → logits `[N, classes]`.
    public let head: BlockField

    /// - Throws: `AnalysisError.invalidArgument` if the network's layers are not stem, blocks, head.
    public init(_ network: ConvolutionalResNet) throws {
        let layers = network.network.layers
        guard let first = layers.firstIndex(where: { $0 is ResidualBlock }),
              let last = layers.lastIndex(where: { $0 is ResidualBlock }),
              layers[first...last].allSatisfy({ $0 is ResidualBlock }) else {
            throw AnalysisError.invalidArgument(name: "network", value: "\(layers.count) layers",
                                                reason: "expected a stem, a run of residual blocks and a head")
        }
        var offsets: [Int] = []
        var offset = 0
        for layer in layers {
            offsets.append(offset)
            offset += layer.parameters.count
        }
        let values = network.parameters.values
        /// The layers `range` as one map with their weights bound (as constants).
        func bound(_ range: Range<Int>) throws -> BlockField {
            let part = try SequentialLayers(Array(layers[range]))
            let start = range.isEmpty ? 0 : offsets[range.lowerBound]
            let weights = Array(values[start..<(start + part.parameters.count)])
            return { x in try part.apply(x, parameters: ArraySlice(weights.map { Variable($0) }), mode: .evaluation) }
        }
        let stemLayers = try bound(0..<first)
        let image = [network.spec.inputChannels, network.spec.height, network.spec.width]
        self.stem = { x in
            let flat = image.reduce(1, *)
            if x.rank == 2 && x.shape[1] == flat { return try stemLayers(try x.reshaped(to: [x.shape[0]] + image)) }
            guard x.rank == 4 && Array(x.shape.dropFirst()) == image else {
                throw AnalysisError.shapeMismatch(what: "a convolutional ResNet's input", expected: [x.shape.first ?? 1] + image, got: x.shape)
            }
            return try stemLayers(x)
        }
        self.head = try bound((last + 1)..<layers.count)
        var blocks: [NetworkBlock] = []
        for index in first...last {
            guard let block = layers[index] as? ResidualBlock else { continue }
            let fieldCount = block.residualFunction.parameters.count
            let fieldWeights = Array(values[offsets[index]..<(offsets[index] + fieldCount)])
            let shortcutWeights = Array(values[(offsets[index] + fieldCount)..<(offsets[index] + block.parameters.count)])
            let residualFunction = block.residualFunction
            var shortcut: BlockField? = nil
            if let layer = block.shortcut {
                shortcut = { x in try layer.apply(x, parameters: ArraySlice(shortcutWeights.map { Variable($0) }), mode: .evaluation) }
            }
            var activation: BlockField? = nil
            if let function = block.outputActivation {
                activation = { z in try function(z) }
            }
            blocks.append(try NetworkBlock(
                field: { x in try residualFunction.apply(x, parameters: ArraySlice(fieldWeights.map { Variable($0) }), mode: .evaluation) },
                stepSize: block.stepSize, hasSkip: block.isResidual, shortcut: shortcut, outputActivation: activation))
        }
        self.chain = BlockChain(blocks: blocks)
    }

    /// The logits of `x` through stem, `chain` (this one or a lesioned / plain variant of it) and head.
    public func logits(_ x: Variable, through chain: BlockChain) throws -> Variable {
        try head(try chain.forward(try stem(x)))
    }
}

extension BlockChain {
    /// The residual blocks of a convolutional ResNet (or of its plain twin) with the network's
    /// current weights and batch normalisation in evaluation mode:
    ///
    ///     post-activation:  x_{l+1} = ReLU(S_l(x_l) + h·BN(conv(ReLU(BN(conv(x_l))))))
    ///     pre-activation:   x_{l+1} = S_l(x_l) + h·conv(ReLU(BN(conv(ReLU(BN(x_l))))))
    ///     plain twin:       x_{l+1} = ReLU(BN(conv(ReLU(BN(conv(x_l))))))
    ///
    /// with `S_l` the identity, or the projection (1×1 conv → BN) or zero padding where the
    /// shape changes. The stem and head are not part of the chain (see `ConvolutionalResNetParts`).
    /// `withSkips(false)` on this chain gives the plain twin with the same `F_l` (the same weights).
    /// Reference: He et al., CVPR 2016, §3.2–3.3 and §4.2; He et al., ECCV 2016.
    public init(_ network: ConvolutionalResNet) throws {
        self = try ConvolutionalResNetParts(network).chain
    }
}
