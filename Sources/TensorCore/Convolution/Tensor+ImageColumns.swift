// SPDX-License-Identifier: GPL-3.0-or-later
import CKernels

/// The data movements that turn a convolution into one matrix product
/// (Chellapilla, Puri & Simard, "High performance convolutional neural
/// networks for document processing", 2006):
///
///     columns[(c, i, j), (n, oh, ow)] = x[n, c, oh·s − p + i·d, ow·s − p + j·d]   (0 in the padding)
///
/// `imageToColumns` (im2col) is linear in `x`; `columnsToImage` (col2im) is its
/// adjoint, ⟨im2col x, C⟩ = ⟨x, col2im C⟩, summing every column entry back onto
/// the pixel it came from.
extension Tensor {
    /// im2col: `[N, C, H, W]` to `[C·kh·kw, N·Ho·Wo]`.
    /// - Throws: `TensorError.shapeMismatch` when the tensor's shape is not the geometry's input shape.
    public func imageToColumns(_ geometry: ConvolutionGeometry) throws -> Tensor {
        guard shape == geometry.inputShape else {
            throw TensorError.shapeMismatch(operation: "imageToColumns", lhs: shape, rhs: geometry.inputShape)
        }
        let outputShape = geometry.columnsShape
        return Tensor.build(shape: outputShape, count: outputShape[0] * outputShape[1]) { out in
            scalars.withUnsafeBufferPointer { x in
                guard let o = out.baseAddress, out.count > 0 else { return }
                Tensor.imageToColumns(x.baseAddress, into: o, geometry)
            }
        }
    }

    /// col2im: `[C·kh·kw, N·Ho·Wo]` to `[N, C, H, W]`, the adjoint of `imageToColumns`.
    /// - Throws: `TensorError.shapeMismatch` when the tensor's shape is not the geometry's column shape.
    public func columnsToImage(_ geometry: ConvolutionGeometry) throws -> Tensor {
        guard shape == geometry.columnsShape else {
            throw TensorError.shapeMismatch(operation: "columnsToImage", lhs: shape, rhs: geometry.columnsShape)
        }
        let outputShape = geometry.inputShape
        return Tensor.build(shape: outputShape, count: outputShape.reduce(1, *)) { out in
            scalars.withUnsafeBufferPointer { c in
                guard let o = out.baseAddress, out.count > 0 else { return }
                Tensor.columnsToImage(c.baseAddress, into: o, geometry)
            }
        }
    }

    static func imageToColumns(_ image: UnsafePointer<Double>?, into columns: UnsafeMutablePointer<Double>,
                               _ geometry: ConvolutionGeometry) {
        var g = geometry.kernelGeometry
        guard let image else { columns.update(repeating: 0, count: geometry.columnsShape.reduce(1, *)); return }
        resode_image_to_columns(image, columns, &g)
    }

    static func columnsToImage(_ columns: UnsafePointer<Double>?, into image: UnsafeMutablePointer<Double>,
                               _ geometry: ConvolutionGeometry) {
        var g = geometry.kernelGeometry
        guard let columns else { image.update(repeating: 0, count: geometry.inputShape.reduce(1, *)); return }
        resode_columns_to_image(columns, image, &g)
    }
}

extension ConvolutionGeometry {
    /// The same geometry as the C kernels read it.
    var kernelGeometry: resode_convolution_geometry {
        resode_convolution_geometry(
            batch: batch, channels: channels, height: input.height, width: input.width,
            kernel_height: kernel.height, kernel_width: kernel.width,
            stride_height: stride.height, stride_width: stride.width,
            padding_height: padding.height, padding_width: padding.width,
            dilation_height: dilation.height, dilation_width: dilation.width,
            output_height: output.height, output_width: output.width)
    }
}
