// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL
import CKernels

/// The three bilinear maps of one grouped convolution, computed image by image (or in
/// panels of a few small images) through one reused column buffer instead of one
/// column matrix for the batch.
///
/// With `cols_n = im2col(x_n)` `[C·kh·kw, Ho·Wo]` for image n and, per group g,
/// the blocks `W_g [Cout/G, C/G·kh·kw]`, `cols_{n,g}`, `Y_{n,g} [Cout/G, Ho·Wo]`:
///
///     output           Y_{n,g} = W_g · cols_{n,g}                      conv(x, W)
///     input gradient   x̄_n     = col2im(⊕_g W_gᵀ · Ḡ_{n,g})            convᵀ(Ḡ, W), the transposed convolution
///     weight gradient  W̄_g     = Σ_n Ḡ_{n,g} · cols_{n,g}ᵀ              ∇_W(x, Ḡ)
///
/// Each is a partial derivative of the one trilinear form
/// `T(x, W, Ḡ) = ⟨conv(x, W), Ḡ⟩ = ⟨x, convᵀ(Ḡ, W)⟩ = ⟨W, ∇_W(x, Ḡ)⟩`, so the
/// derivatives of each map are the other two (see `Variable.convolutionOutput`).
/// `Y_n` is image n's `[Cout, Ho, Wo]` block of the NCHW output as it stands: no
/// permute is needed. Images with fewer than `minimumColumns` positions are taken
/// a few at a time, so that each product keeps at least that many columns; their
/// products and cotangents are copied between NCHW and the panel's `[Cout, images·Ho·Wo]`
/// layout (one copy of the output's size). The column buffer holds one image (`C·kh·kw·Ho·Wo` values,
/// 1.2 MB for the first stage of a CIFAR ResNet) where the batch's column matrix
/// was N times that, and the backward pass recomputes the columns (im2col is a copy,
/// cheap beside the products) instead of keeping them.
struct ConvolutionProducts: Sendable, Equatable {
    let geometry: ConvolutionGeometry
    let outputChannels: Int
    let groups: Int

    var inputShape: [Int] { geometry.inputShape }
    var weightShape: [Int] { [outputChannels, geometry.channels / groups, geometry.kernel.height, geometry.kernel.width] }
    var outputShape: [Int] { [geometry.batch, outputChannels, geometry.output.height, geometry.output.width] }

    /// Rows of one group's block of the column buffer, `C/G·kh·kw`.
    private var groupWindow: Int { geometry.windowSize / groups }
    private var groupOutputs: Int { outputChannels / groups }
    private var imageSize: Int { geometry.channels * geometry.input.height * geometry.input.width }
    private var outputImageSize: Int { outputChannels * geometry.positions }

    func output(_ x: Tensor, _ w: Tensor) -> Tensor { Self.product(x, w, shape: outputShape, output) }

    func inputGradient(_ g: Tensor, _ w: Tensor) -> Tensor { Self.product(g, w, shape: inputShape, inputGradient) }

    func weightGradient(_ x: Tensor, _ g: Tensor) -> Tensor { Self.product(x, g, shape: weightShape, weightGradient) }

    /// A new tensor of `shape` written by `map(a, b, into:)` from the two operands' buffers.
    private static func product(
        _ a: Tensor, _ b: Tensor, shape: [Int],
        _ map: (UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafeMutablePointer<Double>) -> Void
    ) -> Tensor {
        Tensor.build(shape: shape, count: shape.reduce(1, *)) { result in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    guard let out = result.baseAddress else { return }
                    map(pa.baseAddress, pb.baseAddress, out)
                }
            }
        }
    }

    /// `Y = conv(x, W)` on raw buffers (every output element is written).
    func output(_ x: UnsafePointer<Double>?, _ w: UnsafePointer<Double>?, into y: UnsafeMutablePointer<Double>) {
        let (window, outputs) = (groupWindow, groupOutputs)
        guard let x, let w, window > 0, geometry.positions > 0 else {
            y.update(repeating: 0, count: geometry.batch * outputImageSize)
            return
        }
        withPanels { first, count, columns, staging in
            var panel = panelGeometry(count)
            resode_image_to_columns(x + first * imageSize, columns, &panel)
            let width = count * geometry.positions
            let target = count == 1 ? y + first * outputImageSize : staging
            for g in 0..<groups {
                ConvolutionProducts.gemm(rows: outputs, columns: width, inner: window,
                                         w + g * outputs * window, leadingA: window, transposeA: false,
                                         columns + g * window * width, leadingB: width, transposeB: false,
                                         accumulate: false, target + g * outputs * width)
            }
            if count > 1 { scatter(staging, into: y, first: first, count: count) }
        }
    }

    /// `x̄ = convᵀ(Ḡ, W)` on raw buffers (every element of `x̄` is written).
    func inputGradient(_ gradient: UnsafePointer<Double>?, _ w: UnsafePointer<Double>?, into x: UnsafeMutablePointer<Double>) {
        let (window, outputs) = (groupWindow, groupOutputs)
        guard let gradient, let w, window > 0, outputs > 0, geometry.positions > 0 else {
            x.update(repeating: 0, count: geometry.batch * imageSize)
            return
        }
        withPanels { first, count, columns, staging in
            var panel = panelGeometry(count)
            let width = count * geometry.positions
            let source = gather(gradient, first: first, count: count, into: staging)
            for g in 0..<groups {
                ConvolutionProducts.gemm(rows: window, columns: width, inner: outputs,
                                         w + g * outputs * window, leadingA: window, transposeA: true,
                                         source + g * outputs * width, leadingB: width, transposeB: false,
                                         accumulate: false, columns + g * window * width)
            }
            resode_columns_to_image(columns, x + first * imageSize, &panel)
        }
    }

    /// `W̄ = ∇_W(x, Ḡ)` on raw buffers (every element of `W̄` is written).
    func weightGradient(_ x: UnsafePointer<Double>?, _ gradient: UnsafePointer<Double>?, into w: UnsafeMutablePointer<Double>) {
        let (window, outputs) = (groupWindow, groupOutputs)
        w.update(repeating: 0, count: outputChannels * window)
        guard let x, let gradient, window > 0, geometry.positions > 0 else { return }
        withPanels { first, count, columns, staging in
            var panel = panelGeometry(count)
            resode_image_to_columns(x + first * imageSize, columns, &panel)
            let width = count * geometry.positions
            let source = gather(gradient, first: first, count: count, into: staging)
            for g in 0..<groups {
                ConvolutionProducts.gemm(rows: outputs, columns: window, inner: width,
                                         source + g * outputs * width, leadingA: width, transposeA: false,
                                         columns + g * window * width, leadingB: width, transposeB: true,
                                         accumulate: true, w + g * outputs * window)
            }
        }
    }

    /// Images per product: one where an image has at least `minimumColumns` positions,
    /// else enough images that a product has that many columns (small late-stage images
    /// would otherwise make thin, slow products).
    static let minimumColumns = 256
    private var panelImages: Int {
        Swift.max(1, Swift.min(geometry.batch, (ConvolutionProducts.minimumColumns + geometry.positions - 1) / geometry.positions))
    }

    private func panelGeometry(_ images: Int) -> resode_convolution_geometry {
        var g = geometry.kernelGeometry
        g.batch = images
        return g
    }

    /// Runs `body(first image, image count, column buffer, staging buffer)` over panels of
    /// `panelImages` images. The column buffer holds one panel's `[C·kh·kw, count·Ho·Wo]`
    /// columns; the staging buffer one panel's `[Cout, count·Ho·Wo]` products (used when count > 1).
    private func withPanels(_ body: (Int, Int, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void) {
        let images = panelImages
        let columnCount = geometry.windowSize * images * geometry.positions
        let stagingCount = images > 1 ? outputChannels * images * geometry.positions : 0
        withUnsafeTemporaryAllocation(of: Double.self, capacity: Swift.max(columnCount + stagingCount, 1)) { buffer in
            guard let base = buffer.baseAddress else { return }
            for first in stride(from: 0, to: geometry.batch, by: images) {
                body(first, Swift.min(images, geometry.batch - first), base, base + columnCount)
            }
        }
    }

    /// Copies a panel's products `[Cout, count·Ho·Wo]` to images `first…` of the NCHW output.
    private func scatter(_ staging: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, first: Int, count: Int) {
        let (positions, width) = (geometry.positions, count * geometry.positions)
        for i in 0..<count {
            for o in 0..<outputChannels {
                (y + (first + i) * outputImageSize + o * positions).update(from: staging + o * width + i * positions, count: positions)
            }
        }
    }

    /// Images `first…` of an NCHW cotangent as one `[Cout, count·Ho·Wo]` panel: the tensor's own
    /// storage for a single image, else a copy into `staging`.
    private func gather(_ gradient: UnsafePointer<Double>, first: Int, count: Int,
                        into staging: UnsafeMutablePointer<Double>) -> UnsafePointer<Double> {
        if count == 1 { return gradient + first * outputImageSize }
        let (positions, width) = (geometry.positions, count * geometry.positions)
        for i in 0..<count {
            for o in 0..<outputChannels {
                (staging + o * width + i * positions).update(from: gradient + (first + i) * outputImageSize + o * positions, count: positions)
            }
        }
        return UnsafePointer(staging)
    }

    /// `C ← op(A)·op(B)` (or `C ← C + op(A)·op(B)` when accumulating), row-major, `C [rows, columns]`.
    private static func gemm(rows: Int, columns: Int, inner: Int,
                             _ a: UnsafePointer<Double>, leadingA: Int, transposeA: Bool,
                             _ b: UnsafePointer<Double>, leadingB: Int, transposeB: Bool,
                             accumulate: Bool, _ c: UnsafeMutablePointer<Double>) {
        guard rows > 0, columns > 0, inner > 0 else { return }
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(rows), Int32(columns), Int32(inner), 1.0, a, Int32(leadingA), b, Int32(leadingB),
                    accumulate ? 1.0 : 0.0, c, Int32(columns))
    }
}
