// SPDX-License-Identifier: GPL-3.0-or-later

/// A pair of sizes, one along the image height and one along its width.
public struct ImageSize: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var height: Int
    public var width: Int
    public init(_ height: Int, _ width: Int) { self.height = height; self.width = width }
    /// The same size in both directions.
    public init(_ both: Int) { self.init(both, both) }
    public var description: String { height == width ? "\(height)" : "(\(height), \(width))" }
}

/// How a `kernel`-sized window sweeps an NCHW batch `[N, C, H, W]`: with
/// stride s, zero padding p and dilation d, along each direction
///
///     output = ⌊(input + 2p − d·(k − 1) − 1) / s⌋ + 1      (PyTorch's `Conv2d` rule)
///
/// and window position `o` reads the input rows `o·s − p + i·d`, `i < k`.
/// The geometry is checked once, so the kernels that use it cannot go out of bounds.
public struct ConvolutionGeometry: Sendable, Equatable {
    public let batch: Int
    public let channels: Int
    public let input: ImageSize
    public let kernel: ImageSize
    public let stride: ImageSize
    public let padding: ImageSize
    public let dilation: ImageSize
    public let output: ImageSize

    /// - Throws: `TensorError.invalidShape` for an input that is not `[N, C, H, W]`,
    ///   `TensorError.invalidArgument` for a kernel, stride or dilation below 1, a
    ///   negative padding, or a window larger than the padded image.
    public init(inputShape: [Int], kernel: ImageSize, stride: ImageSize = ImageSize(1),
                padding: ImageSize = ImageSize(0), dilation: ImageSize = ImageSize(1),
                operation: String = "convolution") throws {
        guard inputShape.count == 4, inputShape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidShape(operation: operation, shape: inputShape, reason: "needs an NCHW batch [N, C, H, W]")
        }
        for (name, size) in [("kernel", kernel), ("stride", stride), ("dilation", dilation)]
        where size.height < 1 || size.width < 1 {
            throw TensorError.invalidArgument(operation: operation, reason: "\(name) \(size) must be at least 1")
        }
        guard padding.height >= 0, padding.width >= 0 else {
            throw TensorError.invalidArgument(operation: operation, reason: "padding \(padding) must not be negative")
        }
        let span = ImageSize(dilation.height * (kernel.height - 1) + 1, dilation.width * (kernel.width - 1) + 1)
        let padded = ImageSize(inputShape[2] + 2 * padding.height, inputShape[3] + 2 * padding.width)
        guard span.height <= padded.height, span.width <= padded.width else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "a window spanning \(span) does not fit the padded image \(padded) of input \(inputShape)")
        }
        self.batch = inputShape[0]
        self.channels = inputShape[1]
        self.input = ImageSize(inputShape[2], inputShape[3])
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.output = ImageSize((padded.height - span.height) / stride.height + 1,
                                (padded.width - span.width) / stride.width + 1)
    }

    public var inputShape: [Int] { [batch, channels, input.height, input.width] }
    /// Window positions per image, `Ho·Wo`.
    public var positions: Int { output.height * output.width }
    /// Entries of one window over all channels, `C·kh·kw`.
    public var windowSize: Int { channels * kernel.height * kernel.width }
    /// The shape of the column matrix `[C·kh·kw, N·Ho·Wo]`.
    public var columnsShape: [Int] { [windowSize, batch * positions] }
}
