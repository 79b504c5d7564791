// SPDX-License-Identifier: GPL-3.0-or-later

/// Pooling over windows of an NCHW batch (geometry as `ConvolutionGeometry`):
///
///     average:  y[n, c, a, b] = (1 / kh·kw) Σ_{i, j} x[n, c, a·s − p + i, b·s − p + j]   (padding counts as 0,
///               PyTorch's default `count_include_pad=True`)
///     maximum:  y[n, c, a, b] = max over the window's pixels inside the image (padding never wins)
///     global average: y[n, c] = mean over all H·W pixels
/// Average pooling is im2col followed by a mean, so it is linear with adjoint
/// col2im of the spread cotangent; max pooling is a gather of the positions of
/// the window maxima (first one on ties, as PyTorch), fixed in the forward pass,
/// whose pullback scatter-adds. Both default their stride to the kernel size.
extension Variable {
    public func averagePool2D(kernel: ImageSize, stride: ImageSize? = nil, padding: ImageSize = ImageSize(0)) throws -> Variable {
        let geometry = try ConvolutionGeometry(inputShape: shape, kernel: kernel, stride: stride ?? kernel,
                                               padding: padding, operation: "averagePool2D")
        try Variable.checkPoolingPadding(geometry, operation: "averagePool2D")
        let (n, c) = (geometry.batch, geometry.channels)
        let windows = try imageToColumns(geometry)
            .reshaped(to: [c, kernel.height * kernel.width, n * geometry.positions])
            .mean(alongAxes: [1])
        return try windows.reshaped(to: [c, n, geometry.output.height, geometry.output.width]).permuted([1, 0, 2, 3])
    }

    public func maxPool2D(kernel: ImageSize, stride: ImageSize? = nil, padding: ImageSize = ImageSize(0)) throws -> Variable {
        let geometry = try ConvolutionGeometry(inputShape: shape, kernel: kernel, stride: stride ?? kernel,
                                               padding: padding, operation: "maxPool2D")
        try Variable.checkPoolingPadding(geometry, operation: "maxPool2D")
        let indices = value.windowMaximumPositions(geometry)
        return try gatherElements(indices, shape: [geometry.batch, geometry.channels, geometry.output.height, geometry.output.width])
    }

    /// The mean over the spatial dimensions: `[N, C, H, W]` to `[N, C]`.
    public func globalAveragePool() throws -> Variable {
        guard rank == 4 else {
            throw TensorError.invalidShape(operation: "globalAveragePool", shape: shape, reason: "needs an NCHW batch [N, C, H, W]")
        }
        return try mean(alongAxes: [2, 3])
    }

    /// PyTorch's rule: padding at most half the kernel, so that no window lies in the padding alone.
    static func checkPoolingPadding(_ geometry: ConvolutionGeometry, operation: String) throws {
        guard 2 * geometry.padding.height <= geometry.kernel.height, 2 * geometry.padding.width <= geometry.kernel.width else {
            throw TensorError.invalidArgument(operation: operation,
                                              reason: "padding \(geometry.padding) must be at most half the kernel \(geometry.kernel)")
        }
    }
}

extension Tensor {
    /// For each window of `geometry`, the flat position of its largest element inside
    /// the image (the first on ties; NaN wins, so that it propagates).
    func windowMaximumPositions(_ geometry: ConvolutionGeometry) -> [Int] {
        let (hIn, wIn) = (geometry.input.height, geometry.input.width)
        var positions: [Int] = []
        positions.reserveCapacity(geometry.batch * geometry.channels * geometry.positions)
        for plane in 0..<(geometry.batch * geometry.channels) {
            let base = plane * hIn * wIn
            for a in 0..<geometry.output.height {
                for b in 0..<geometry.output.width {
                    var best = -1
                    var bestValue = -Double.infinity
                    for i in 0..<geometry.kernel.height {
                        let h = a * geometry.stride.height - geometry.padding.height + i * geometry.dilation.height
                        guard h >= 0 && h < hIn else { continue }
                        for j in 0..<geometry.kernel.width {
                            let w = b * geometry.stride.width - geometry.padding.width + j * geometry.dilation.width
                            guard w >= 0 && w < wIn else { continue }
                            let v = scalars[base + h * wIn + w]
                            if best < 0 || v > bestValue || (v.isNaN && !bestValue.isNaN) { best = base + h * wIn + w; bestValue = v }
                        }
                    }
                    positions.append(best)
                }
            }
        }
        return positions
    }
}
