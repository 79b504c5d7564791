// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore

/// The CIFAR-style ResNet of He et al., "Deep residual learning for image
/// recognition" (CVPR 2016), §4.2, and its plain twin, built from the generic
/// layers (`ResidualBlock`, `Convolution2DLayer`, `BatchNormalizationLayer`):
///
///     stem:    conv 3×3 (C → w₁, no bias) → BN → ReLU                      conv1, bn1
///     stage s: n blocks, the first with stride 2 for s > 1                  layer{s}.{b}
///              post-activation block  y = ReLU(S(x) + h·BN(conv(ReLU(BN(conv(x))))))
///              plain twin             y = ReLU(BN(conv(ReLU(BN(conv(x))))))
///              S = identity, or projection conv 1×1 → BN (shortcut.0, shortcut.1)
///              or zero padding where the shape changes
///     head:    global average pooling → linear read-out                     fc
/// With `preactivation` the blocks are those of He et al., "Identity mappings in
/// deep residual networks" (ECCV 2016): `y = S(x) + h·conv(ReLU(BN(conv(ReLU(BN(x))))))`,
/// the stem is the convolution alone and a final BN → ReLU (`bn`) precedes the pooling.
///
/// Parameters and buffers carry PyTorch's names for this architecture
/// (`layer2.0.shortcut.1.running_var`, …); convolutions have no bias. The
/// input is `[N, C, H, W]` or its flattening `[N, C·H·W]` (as the data sets store images).
public struct ConvolutionalResNet: DifferentiableModel {
    public let spec: ConvolutionalResNetSpec
    public let network: SequentialLayers
    public var parameters: ParameterList

    /// A freshly initialised network (PyTorch's default initialisation of each layer, seeded).
    public init(spec: ConvolutionalResNetSpec, seed: UInt64) throws {
        try spec.validate()
        var generator = SeededGenerator(seed: seed)
        self.spec = spec
        self.network = try ConvolutionalResNet.build(spec, using: &generator)
        self.parameters = network.parameters
    }

    /// The network with the given weights and running statistics, keyed by PyTorch's names.
    /// PyTorch's `num_batches_tracked` counters are accepted and ignored.
    /// - Throws: `NetworkError.missingParameter`, `.parameterShape` or `.unexpectedParameter` naming the key.
    public init(spec: ConvolutionalResNetSpec, weights: [String: Tensor]) throws {
        try self.init(spec: spec, seed: 0)
        var values: [Tensor] = []
        for (name, current) in zip(parameters.names, parameters.values) {
            values.append(try ConvolutionalResNet.lookUp(name, shape: current.shape, in: weights))
        }
        var buffers: [String: Tensor] = [:]
        for (name, current) in network.buffers {
            buffers[name] = try ConvolutionalResNet.lookUp(name, shape: current.shape, in: weights)
        }
        let known = Set(parameters.names).union(buffers.keys)
        if let extra = weights.keys.sorted().first(where: { !known.contains($0) && !$0.hasSuffix("num_batches_tracked") }) {
            throw NetworkError.unexpectedParameter(name: extra)
        }
        parameters = try parameters.replacingValues(values)
        try network.loadBuffers(buffers)
    }

    private static func lookUp(_ name: String, shape: [Int], in weights: [String: Tensor]) throws -> Tensor {
        guard let w = weights[name] else { throw NetworkError.missingParameter(name: name) }
        guard w.shape == shape else { throw NetworkError.parameterShape(name: name, expected: shape, got: w.shape) }
        return w
    }

    /// The running statistics of every batch normalisation, by PyTorch's names.
    public var buffers: [(name: String, value: Tensor)] { network.buffers }

    /// Evaluation mode (running statistics), as `resode eval` and held-out evaluation use it.
    public func forward(_ x: Variable, parameters p: [Variable]) throws -> Variable {
        try forward(x, parameters: p, mode: .evaluation)
    }

    /// The logits `[N, classes]`; in training mode batch normalisation uses the batch statistics
    /// and updates the running averages.
    public func forward(_ x: Variable, parameters p: [Variable], mode: LayerMode) throws -> Variable {
        let image = [spec.inputChannels, spec.height, spec.width]
        let flat = image.reduce(1, *)
        let images: Variable
        if x.rank == 2 && x.shape[1] == flat {
            images = try x.reshaped(to: [x.shape[0]] + image)
        } else if x.rank == 4 && Array(x.shape.dropFirst()) == image {
            images = x
        } else {
            throw NetworkError.invalidInput(reason: "shape \(x.shape) is neither [N, \(image.map(String.init).joined(separator: ", "))] nor [N, \(flat)]")
        }
        guard p.count == parameters.count else {
            throw NetworkError.invalidInput(reason: "\(p.count) parameter tensors for \(parameters.count)")
        }
        return try network.apply(images, parameters: p[...], mode: mode)
    }

    static func build(_ spec: ConvolutionalResNetSpec, using g: inout SeededGenerator) throws -> SequentialLayers {
        let relu = FunctionLayer(.relu)
        func conv(_ input: Int, _ output: Int, kernel: Int, stride: Int, _ prefix: String) throws -> Convolution2DLayer {
            try Convolution2DLayer(inputChannels: input, outputChannels: output, kernel: ImageSize(kernel), stride: ImageSize(stride),
                                   padding: ImageSize(kernel / 2), bias: false, prefix: prefix, using: &g)
        }
        func norm(_ channels: Int, _ prefix: String) throws -> BatchNormalizationLayer {
            try BatchNormalizationLayer(channels: channels, prefix: prefix)
        }
        var layers: [any Layer] = [try conv(spec.inputChannels, spec.widths[0], kernel: 3, stride: 1, "conv1.")]
        if !spec.preactivation { layers += [try norm(spec.widths[0], "bn1."), relu] }
        var channels = spec.widths[0]
        for (s, width) in spec.widths.enumerated() {
            for b in 0..<spec.blocksPerStage {
                let prefix = "layer\(s + 1).\(b)."
                let stride = s > 0 && b == 0 ? 2 : 1
                let residual: SequentialLayers
                if spec.preactivation {
                    residual = try SequentialLayers([norm(channels, prefix + "bn1."), relu, conv(channels, width, kernel: 3, stride: stride, prefix + "conv1."),
                                                     norm(width, prefix + "bn2."), relu, conv(width, width, kernel: 3, stride: 1, prefix + "conv2.")])
                } else {
                    residual = try SequentialLayers([conv(channels, width, kernel: 3, stride: stride, prefix + "conv1."), norm(width, prefix + "bn1."),
                                                     relu, conv(width, width, kernel: 3, stride: 1, prefix + "conv2."), norm(width, prefix + "bn2.")])
                }
                var shortcut: (any Layer)? = nil
                if spec.isResidual && (stride != 1 || channels != width) {
                    switch spec.shortcut {
                    case .projection:
                        shortcut = try SequentialLayers([conv(channels, width, kernel: 1, stride: stride, prefix + "shortcut.0."),
                                                         norm(width, prefix + "shortcut.1.")])
                    case .zeroPadding:
                        shortcut = ResidualBlock.zeroPaddingShortcut(outputChannels: width, stride: ImageSize(stride))
                    }
                }
                layers.append(try ResidualBlock(residual, shortcut: shortcut, stepSize: spec.stepSize, isResidual: spec.isResidual,
                                                outputActivation: spec.preactivation ? nil : .relu))
                channels = width
            }
        }
        if spec.preactivation { layers += [try norm(channels, "bn."), relu] }
        layers.append(FunctionLayer("global average pool") { x, _ in try x.globalAveragePool() })
        layers.append(try LinearLayer(inputs: channels, outputs: spec.classes, prefix: "fc.", using: &g))
        return try SequentialLayers(layers)
    }
}
