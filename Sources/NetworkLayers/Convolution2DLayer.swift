// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A 2-D convolution layer (PyTorch's `nn.Conv2d`): weight `[Cout, Cin/groups, k, k]`,
/// optional bias `[Cout]`, initialised as PyTorch does, U(−1/√fan_in, 1/√fan_in)
/// with fan_in = Cin/groups·k² (He et al. 2015's normal is `heNormal` for users who want it).
public struct Convolution2DLayer: Layer {
    public let stride: ImageSize
    public let padding: ImageSize
    public let dilation: ImageSize
    public let groups: Int
    public let hasBias: Bool
    public let parameters: ParameterList

    /// - Parameters:
    ///   - inputChannels: `Cin`, the channels of the input `[N, Cin, H, W]`.
    ///   - outputChannels: `Cout`, the channels of the output `[N, Cout, H′, W′]`.
    ///   - kernel: the kernel's height and width `k` (pixels).
    ///   - stride: the step between applications of the kernel, per axis (pixels).
    ///   - padding: the zeros added on each side of the input, per axis (pixels).
    ///   - dilation: the spacing between kernel taps, per axis (1: contiguous).
    ///   - groups: the channel groups convolved separately; divides `Cin` and `Cout`.
    ///   - bias: whether the layer has a bias `[Cout]`.
    ///   - prefix: the parameters are named `prefix + "weight"` (and `"bias"`).
    ///   - generator: the seeded generator the initial weights are drawn from.
    /// - Throws: `TensorError.invalidArgument` for non-positive sizes or groups that do not divide the channels.
    public init(inputChannels: Int, outputChannels: Int, kernel: ImageSize, stride: ImageSize = ImageSize(1),
                padding: ImageSize = ImageSize(0), dilation: ImageSize = ImageSize(1), groups: Int = 1, bias: Bool = true,
                prefix: String = "", using generator: inout SeededGenerator) throws {
        guard inputChannels > 0, outputChannels > 0, kernel.height > 0, kernel.width > 0 else {
            throw TensorError.invalidArgument(operation: "Convolution2DLayer",
                                              reason: "channels and kernel must be positive, got \(inputChannels) → \(outputChannels), \(kernel)")
        }
        try Variable.checkGroups(groups, channels: inputChannels, outputChannels: outputChannels, operation: "Convolution2DLayer")
        let fanIn = inputChannels / groups * kernel.height * kernel.width
        let k = 1 / Double(fanIn).squareRoot()
        var names = [prefix + "weight"]
        var values = [try Tensor.randomUniform([outputChannels, inputChannels / groups, kernel.height, kernel.width],
                                               low: -k, high: k, using: &generator)]
        if bias {
            names.append(prefix + "bias")
            values.append(try Tensor.randomUniform([outputChannels], low: -k, high: k, using: &generator))
        }
        self.parameters = try ParameterList(names: names, values: values)
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        self.hasBias = bias
    }

    public func apply(_ x: Variable, parameters p: ArraySlice<Variable>, mode: LayerMode) throws -> Variable {
        try checkParameterCount(p, operation: "Convolution2DLayer")
        return try Variable.convolution2D(x, weight: p[p.startIndex], bias: hasBias ? p[p.startIndex + 1] : nil,
                                          stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}
