// SPDX-License-Identifier: GPL-3.0-or-later

/// Two-dimensional convolution (cross-correlation, as in every deep-learning
/// library) of an NCHW batch, and its adjoint, the transposed convolution.
///
///     y[n, o, a, b] = bias[o] + Σ_{c ∈ group(o), i, j} w[o, c, i, j] · x[n, c, a·s − p + i·d, b·s − p + j·d]
///
/// computed as `W·im2col(x_n)` per image and group: one `dgemm` of `[Cout/G, C/G·kh·kw]` by
/// `[C/G·kh·kw, Ho·Wo]` (see `ConvolutionProducts`). The convolution, its transpose
/// and its weight gradient are the three partial derivatives of one trilinear form,
/// so their tangents, pullbacks and the pullbacks' derivatives are each other.
extension Variable {
    /// `conv2d` with PyTorch's conventions: `x [N, C, H, W]`, `weight [Cout, C/groups, kh, kw]`,
    /// optional `bias [Cout]`; output `[N, Cout, Ho, Wo]` (see `ConvolutionGeometry` for Ho, Wo).
    /// - Throws: `TensorError` naming the shapes when they do not fit together, when the
    ///   channels are not divisible by `groups`, or when the geometry is invalid.
    public static func convolution2D(_ x: Variable, weight: Variable, bias: Variable? = nil,
                                     stride: ImageSize = ImageSize(1), padding: ImageSize = ImageSize(0),
                                     dilation: ImageSize = ImageSize(1), groups: Int = 1) throws -> Variable {
        let operation = "convolution2D"
        guard weight.rank == 4 else {
            throw TensorError.invalidShape(operation: operation, shape: weight.shape, reason: "weight needs [Cout, C/groups, kh, kw]")
        }
        let geometry = try ConvolutionGeometry(inputShape: x.shape, kernel: ImageSize(weight.shape[2], weight.shape[3]),
                                               stride: stride, padding: padding, dilation: dilation, operation: operation)
        let outputChannels = weight.shape[0]
        try checkGroups(groups, channels: x.shape[1], outputChannels: outputChannels, operation: operation)
        guard weight.shape[1] * groups == x.shape[1] else {
            throw TensorError.shapeMismatch(operation: "\(operation) (input channels = weight.shape[1]·groups)",
                                            lhs: x.shape, rhs: weight.shape)
        }
        let maps = ConvolutionProducts(geometry: geometry, outputChannels: outputChannels, groups: groups)
        let y = try convolutionOutput(x, weight, maps)
        return try addingChannelBias(y, bias, operation: operation)
    }

    /// The transposed convolution (`conv_transpose2d`): the adjoint of `convolution2D` in its
    /// input, so with the same weight ⟨conv(x), y⟩ = ⟨x, convT(y)⟩ when the shapes correspond.
    /// `x [N, Cin, H, W]`, `weight [Cin, Cout/groups, kh, kw]` (PyTorch's layout), optional
    /// `bias [Cout]`; output `[N, Cout, Ho, Wo]` with
    ///
    ///     Ho = (H − 1)·s − 2p + d·(kh − 1) + outputPadding + 1
    /// computed as `col2im(Wᵀ·x_n)` per image.
    /// - Throws: `TensorError` naming the shapes when they do not fit, or when `outputPadding`
    ///   is negative or not below the stride or the dilation (as PyTorch requires).
    public static func transposedConvolution2D(_ x: Variable, weight: Variable, bias: Variable? = nil,
                                               stride: ImageSize = ImageSize(1), padding: ImageSize = ImageSize(0),
                                               outputPadding: ImageSize = ImageSize(0),
                                               dilation: ImageSize = ImageSize(1), groups: Int = 1) throws -> Variable {
        let operation = "transposedConvolution2D"
        guard x.rank == 4 else {
            throw TensorError.invalidShape(operation: operation, shape: x.shape, reason: "needs an NCHW batch [N, C, H, W]")
        }
        guard weight.rank == 4 else {
            throw TensorError.invalidShape(operation: operation, shape: weight.shape, reason: "weight needs [Cin, Cout/groups, kh, kw]")
        }
        guard outputPadding.height >= 0, outputPadding.width >= 0,
              outputPadding.height < Swift.max(stride.height, dilation.height),
              outputPadding.width < Swift.max(stride.width, dilation.width) else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "output padding \(outputPadding) must be ≥ 0 and below the stride \(stride) or the dilation \(dilation)")
        }
        let inputChannels = x.shape[1]
        guard weight.shape[0] == inputChannels else {
            throw TensorError.shapeMismatch(operation: "\(operation) (input channels = weight.shape[0])", lhs: x.shape, rhs: weight.shape)
        }
        let outputChannels = weight.shape[1] * groups
        try checkGroups(groups, channels: inputChannels, outputChannels: outputChannels, operation: operation)
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let kernel = ImageSize(weight.shape[2], weight.shape[3])
        let outputHeight = (h - 1) * stride.height - 2 * padding.height + dilation.height * (kernel.height - 1) + outputPadding.height + 1
        let outputWidth = (w - 1) * stride.width - 2 * padding.width + dilation.width * (kernel.width - 1) + outputPadding.width + 1
        guard outputHeight >= 1, outputWidth >= 1 else {
            throw TensorError.invalidArgument(operation: operation,
                                              reason: "input \(x.shape) gives an empty output \(outputHeight)×\(outputWidth)")
        }
        // The convolution whose adjoint this is maps [N, Cout, Ho, Wo] to [N, Cin, H, W].
        let geometry = try ConvolutionGeometry(inputShape: [n, outputChannels, outputHeight, outputWidth], kernel: kernel,
                                               stride: stride, padding: padding, dilation: dilation, operation: operation)
        guard geometry.output == ImageSize(h, w) else {
            throw TensorError.invalidArgument(operation: operation, reason: "input \(x.shape) is not the image of a convolution")
        }
        let maps = ConvolutionProducts(geometry: geometry, outputChannels: inputChannels, groups: groups)
        return try addingChannelBias(try convolutionInputGradient(x, weight, maps), bias, operation: operation)
    }

    package static func checkGroups(_ groups: Int, channels: Int, outputChannels: Int, operation: String) throws {
        guard groups >= 1, channels % groups == 0, outputChannels % groups == 0 else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "groups \(groups) must be ≥ 1 and divide the \(channels) input and \(outputChannels) output channels")
        }
    }

    /// `y + bias[c]` broadcast over `[N, C, H, W]`.
    static func addingChannelBias(_ y: Variable, _ bias: Variable?, operation: String) throws -> Variable {
        guard let bias else { return y }
        guard bias.shape == [y.shape[1]] else {
            throw TensorError.shapeMismatch(operation: "\(operation) bias [Cout]", lhs: bias.shape, rhs: [y.shape[1]])
        }
        return try y + bias.reshaped(to: [1, y.shape[1], 1, 1])
    }
}
