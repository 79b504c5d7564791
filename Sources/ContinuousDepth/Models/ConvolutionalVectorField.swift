// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore

/// The convolutional field of the ODE-Net of Chen et al., "Neural ordinary
/// differential equations" (NeurIPS 2018), §7.1 (their MNIST model):
///
///     f(x, t) = GN₃(conv₂([ReLU(GN₂(conv₁([ReLU(GN₁(x)), t]))), t]))
/// on states of `C` channels `H × W`, where `[·, t]` appends a channel filled with
/// the time t, conv are 3×3 (padding 1, with bias) from `C + 1` to `C` channels and
/// GN is group normalisation with G groups, min(32, C) by default as in Chen et al.'s
/// code (Wu & He 2018; C = 64 there, so two channels per group). Group
/// normalisation acts per sample, so the rows of a batch stay independent ODEs,
/// as `VectorField` requires. States are the flattened rows `[batch, C·H·W]`.
///
/// Parameters: `norm1.weight`, `norm1.bias`, `conv1.weight`, `conv1.bias`, `norm2.*`,
/// `conv2.*`, `norm3.*` (PyTorch's names in the reference implementation).
public struct ConvolutionalVectorField: VectorField {
    public let channels: Int
    public let height: Int
    public let width: Int
    public let groups: Int
    public var parameters: ParameterList
    public var dimension: Int { channels * height * width }

    /// - Throws: `TensorError.invalidArgument` for non-positive sizes, or channels that the groups do not divide.
    public init(channels: Int, height: Int, width: Int, groups: Int? = nil, seed: UInt64) throws {
        let groups = groups ?? Swift.min(32, channels)
        guard channels >= 1, height >= 1, width >= 1, groups >= 1, channels % groups == 0 else {
            throw TensorError.invalidArgument(operation: "ConvolutionalVectorField",
                                              reason: "needs positive sizes and \(groups) groups dividing the channels, got \(channels)×\(height)×\(width)")
        }
        self.groups = groups
        var generator = SeededGenerator(seed: seed)
        var list = ParameterList()
        func norm(_ name: String) throws {
            try list.append(name + ".weight", try Tensor.ones([channels]))
            try list.append(name + ".bias", try Tensor.zeros([channels]))
        }
        func conv(_ name: String) throws {
            let layer = try Convolution2DLayer(inputChannels: channels + 1, outputChannels: channels, kernel: ImageSize(3),
                                               padding: ImageSize(1), prefix: name + ".", using: &generator)
            for (n, v) in zip(layer.parameters.names, layer.parameters.values) { try list.append(n, v) }
        }
        try norm("norm1"); try conv("conv1"); try norm("norm2"); try conv("conv2"); try norm("norm3")
        self.channels = channels
        self.height = height
        self.width = width
        self.parameters = list
    }

    /// The same field with other parameter values (same names and shapes).
    public func replacingParameters(_ values: [Tensor]) throws -> ConvolutionalVectorField {
        var copy = self
        copy.parameters = try parameters.replacingValues(values)
        return copy
    }

    public func callAsFunction(_ x: Variable, time t: Double, parameters p: [Variable]) throws -> Variable {
        guard p.count == 10 else {
            throw TensorError.invalidArgument(operation: "ConvolutionalVectorField", reason: "\(p.count) parameters for 10")
        }
        guard x.rank == 2, x.shape[1] == dimension else {
            throw TensorError.shapeMismatch(operation: "ConvolutionalVectorField state [batch, C·H·W]", lhs: x.shape, rhs: [dimension])
        }
        let n = x.shape[0]
        let time = Variable(try Tensor(shape: [n, 1, height, width], repeating: t))
        func withTime(_ z: Variable) throws -> Variable { try Variable.concatenate([z, time], alongAxis: 1) }
        func norm(_ z: Variable, _ k: Int) throws -> Variable {
            try Variable.groupNormalization(z, groups: groups, scale: p[k], shift: p[k + 1])
        }
        var z = try x.reshaped(to: [n, channels, height, width])
        z = try norm(z, 0).relu()
        z = try Variable.convolution2D(withTime(z), weight: p[2], bias: p[3], padding: ImageSize(1))
        z = try norm(z, 4).relu()
        z = try Variable.convolution2D(withTime(z), weight: p[6], bias: p[7], padding: ImageSize(1))
        return try norm(z, 8).reshaped(to: [n, dimension])
    }
}
