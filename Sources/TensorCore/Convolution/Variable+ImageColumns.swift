// SPDX-License-Identifier: GPL-3.0-or-later

/// im2col and col2im on variables. Both are linear and each is the other's
/// adjoint, so each one's tangent rule is itself and its pullback is the other:
///
///     C = im2col(x):  Ċ = im2col(ẋ),   x̄ = col2im(C̄)
///     x = col2im(C):  ẋ = col2im(Ċ),   C̄ = im2col(x̄)
/// The pullbacks are again variable operations, so convolutions built on these
/// two and `matmul` have differentiable pullbacks (Hessian–vector products).
extension Variable {
    /// im2col: `[N, C, H, W]` to the column matrix `[C·kh·kw, N·Ho·Wo]` (see `Tensor.imageToColumns`).
    public func imageToColumns(_ geometry: ConvolutionGeometry) throws -> Variable {
        let y = try value.imageToColumns(geometry)
        return try Variable.record(y, inputs: [self], operation: "imageToColumns", retaining: .nothing,
                                   tangent: { t in try t[0].map { try $0.imageToColumns(geometry) } },
                                   pullback: { g, _, _ in [try g.columnsToImage(geometry)] },
                                   forward: ForwardKernel { p, out in Tensor.imageToColumns(p[0], into: out, geometry) })
    }

    /// col2im: the column matrix `[C·kh·kw, N·Ho·Wo]` summed back onto `[N, C, H, W]`.
    public func columnsToImage(_ geometry: ConvolutionGeometry) throws -> Variable {
        let y = try value.columnsToImage(geometry)
        return try Variable.record(y, inputs: [self], operation: "columnsToImage", retaining: .nothing,
                                   tangent: { t in try t[0].map { try $0.columnsToImage(geometry) } },
                                   pullback: { g, _, _ in [try g.imageToColumns(geometry)] },
                                   forward: ForwardKernel { p, out in Tensor.columnsToImage(p[0], into: out, geometry) })
    }
}
