// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL
import CKernels

/// The three bilinear maps of one grouped convolution, computed image by image
/// through one reused column buffer instead of one column matrix for the batch.
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
/// permute is needed. The column buffer holds one image (`C·kh·kw·Ho·Wo` values,
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
    private var singleImage: resode_convolution_geometry {
        var g = geometry.kernelGeometry
        g.batch = 1
        return g
    }

    func output(_ x: Tensor, _ w: Tensor) -> Tensor {
        Tensor.build(shape: outputShape, count: outputShape.reduce(1, *)) { y in
            x.withUnsafeBufferPointer { px in
                w.withUnsafeBufferPointer { pw in
                    guard let out = y.baseAddress else { return }
                    output(px.baseAddress, pw.baseAddress, into: out)
                }
            }
        }
    }

    func inputGradient(_ g: Tensor, _ w: Tensor) -> Tensor {
        Tensor.build(shape: inputShape, count: inputShape.reduce(1, *)) { x in
            g.withUnsafeBufferPointer { pg in
                w.withUnsafeBufferPointer { pw in
                    guard let out = x.baseAddress else { return }
                    inputGradient(pg.baseAddress, pw.baseAddress, into: out)
                }
            }
        }
    }

    func weightGradient(_ x: Tensor, _ g: Tensor) -> Tensor {
        Tensor.build(shape: weightShape, count: weightShape.reduce(1, *)) { w in
            x.withUnsafeBufferPointer { px in
                g.withUnsafeBufferPointer { pg in
                    guard let out = w.baseAddress else { return }
                    weightGradient(px.baseAddress, pg.baseAddress, into: out)
                }
            }
        }
    }

    /// `Y = conv(x, W)` on raw buffers (every output element is written).
    func output(_ x: UnsafePointer<Double>?, _ w: UnsafePointer<Double>?, into y: UnsafeMutablePointer<Double>) {
        let (window, outputs, positions) = (groupWindow, groupOutputs, geometry.positions)
        guard let x, let w, window > 0, positions > 0 else {
            y.update(repeating: 0, count: geometry.batch * outputImageSize)
            return
        }
        var image = singleImage
        withColumnBuffer { columns in
            for n in 0..<geometry.batch {
                resode_image_to_columns(x + n * imageSize, columns, &image)
                for g in 0..<groups {
                    ConvolutionProducts.gemm(rows: outputs, columns: positions, inner: window,
                                             w + g * outputs * window, leadingA: window, transposeA: false,
                                             columns + g * window * positions, leadingB: positions, transposeB: false,
                                             accumulate: false, y + n * outputImageSize + g * outputs * positions)
                }
            }
        }
    }

    /// `x̄ = convᵀ(Ḡ, W)` on raw buffers (every element of `x̄` is written).
    func inputGradient(_ gradient: UnsafePointer<Double>?, _ w: UnsafePointer<Double>?, into x: UnsafeMutablePointer<Double>) {
        let (window, outputs, positions) = (groupWindow, groupOutputs, geometry.positions)
        guard let gradient, let w, window > 0, outputs > 0, positions > 0 else {
            x.update(repeating: 0, count: geometry.batch * imageSize)
            return
        }
        var image = singleImage
        withColumnBuffer { columns in
            for n in 0..<geometry.batch {
                for g in 0..<groups {
                    ConvolutionProducts.gemm(rows: window, columns: positions, inner: outputs,
                                             w + g * outputs * window, leadingA: window, transposeA: true,
                                             gradient + n * outputImageSize + g * outputs * positions, leadingB: positions,
                                             transposeB: false, accumulate: false, columns + g * window * positions)
                }
                resode_columns_to_image(columns, x + n * imageSize, &image)
            }
        }
    }

    /// `W̄ = ∇_W(x, Ḡ)` on raw buffers (every element of `W̄` is written).
    func weightGradient(_ x: UnsafePointer<Double>?, _ gradient: UnsafePointer<Double>?, into w: UnsafeMutablePointer<Double>) {
        let (window, outputs, positions) = (groupWindow, groupOutputs, geometry.positions)
        w.update(repeating: 0, count: outputChannels * window)
        guard let x, let gradient, window > 0, positions > 0 else { return }
        var image = singleImage
        withColumnBuffer { columns in
            for n in 0..<geometry.batch {
                resode_image_to_columns(x + n * imageSize, columns, &image)
                for g in 0..<groups {
                    ConvolutionProducts.gemm(rows: outputs, columns: window, inner: positions,
                                             gradient + n * outputImageSize + g * outputs * positions, leadingA: positions,
                                             transposeA: false, columns + g * window * positions, leadingB: positions,
                                             transposeB: true, accumulate: true, w + g * outputs * window)
                }
            }
        }
    }

    /// A scratch buffer for one image's column matrix, `C·kh·kw × Ho·Wo`.
    private func withColumnBuffer(_ body: (UnsafeMutablePointer<Double>) -> Void) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: Swift.max(geometry.windowSize * geometry.positions, 1)) { buffer in
            if let base = buffer.baseAddress { body(base) }
        }
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
