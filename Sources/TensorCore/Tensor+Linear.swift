// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL

extension Tensor {
    /// The affine map of a fully connected layer, in PyTorch's `nn.Linear` layout:
    ///
    ///     y = x·Wᵀ + b,   x [batch, in],  W [out, in],  b [out],  y [batch, out]
    ///
    /// One `dgemm` whose output starts as the bias repeated on every row (β = 1),
    /// so the bias costs no extra pass.
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not fit.
    public static func linear(_ x: Tensor, weight w: Tensor, bias b: Tensor?) throws -> Tensor {
        guard x.rank == 2, w.rank == 2, x.shape[1] == w.shape[1] else {
            throw TensorError.shapeMismatch(operation: "linear (x [batch, in], W [out, in])", lhs: x.shape, rhs: w.shape)
        }
        let (m, k, n) = (x.shape[0], x.shape[1], w.shape[0])
        if let b, b.shape != [n] {
            throw TensorError.shapeMismatch(operation: "linear (bias [out])", lhs: w.shape, rhs: b.shape)
        }
        return Tensor.build(shape: [m, n], count: m * n) { c in
            if let b {
                // Row by row as whole-buffer copies: the indexed scalar loop does not vectorise.
                b.scalars.withUnsafeBufferPointer { pb in
                    for i in 0..<m {
                        _ = UnsafeMutableBufferPointer(rebasing: c[(i * n)..<((i + 1) * n)]).initialize(fromContentsOf: pb)
                    }
                }
            }
            guard m > 0, n > 0 else { return }
            if k == 0 {
                if b == nil { for i in 0..<(m * n) { c[i] = 0 } }
                return
            }
            x.scalars.withUnsafeBufferPointer { px in
                w.scalars.withUnsafeBufferPointer { pw in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1.0,
                                px.baseAddress, Int32(k), pw.baseAddress, Int32(k),
                                b == nil ? 0.0 : 1.0, c.baseAddress, Int32(n))
                }
            }
        }
    }

    /// `self + α·other` for tensors of one shape, in one pass (an Euler step `x + h·f`).
    public func adding(_ other: Tensor, scaledBy alpha: Double) throws -> Tensor {
        guard shape == other.shape else {
            throw TensorError.shapeMismatch(operation: "adding(_:scaledBy:)", lhs: shape, rhs: other.shape)
        }
        return Tensor.build(shape: shape, count: count) { out in
            scalars.withUnsafeBufferPointer { p in
                other.scalars.withUnsafeBufferPointer { q in for i in 0..<p.count { out[i] = p[i] + alpha * q[i] } }
            }
        }
    }
}
