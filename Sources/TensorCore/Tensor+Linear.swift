// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL
import CKernels

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
            guard let output = c.baseAddress else { return }
            x.scalars.withUnsafeBufferPointer { px in
                w.scalars.withUnsafeBufferPointer { pw in
                    if let b {
                        b.scalars.withUnsafeBufferPointer { pb in
                            linear(px.baseAddress, pw.baseAddress, pb.baseAddress, into: output, rows: m, inputs: k, outputs: n)
                        }
                    } else {
                        linear(px.baseAddress, pw.baseAddress, nil, into: output, rows: m, inputs: k, outputs: n)
                    }
                }
            }
        }
    }

    /// `y = x·Wᵀ + b` on raw row-major buffers (`x [rows, inputs]`, `W [outputs, inputs]`,
    /// `b [outputs]` or none, `y [rows, outputs]`): the bias is copied into every row
    /// of `y`, then one `dgemm` adds `x·Wᵀ` with β = 1. Every element of `y` is written.
    ///
    /// For a batch of several rows and a weight of at most `transposeLimit`
    /// elements, `W` is first transposed into a temporary buffer: OpenBLAS runs
    /// `x·(Wᵀ stored)` through its small-matrix kernels but `x·Wᵀ` through its packing
    /// kernel, 1.3–2× slower at neural-field sizes; the transpose costs `in·out` copies.
    static func linear(_ x: UnsafePointer<Double>?, _ w: UnsafePointer<Double>?, _ b: UnsafePointer<Double>?,
                       into y: UnsafeMutablePointer<Double>, rows m: Int, inputs k: Int, outputs n: Int) {
        guard m >= transposeMinimumRows, k * n <= transposeLimit, let w else {
            guard let beta = startLinearOutput(y, bias: b, rows: m, inputs: k, outputs: n) else { return }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1.0,
                        x, Int32(k), w, Int32(k), beta, y, Int32(n))
            return
        }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: Swift.max(k * n, 1)) { transposed in
            guard let wt = transposed.baseAddress else { return }
            resode_transpose(w, wt, n, k)
            linear(x, transposedWeight: wt, b, into: y, rows: m, inputs: k, outputs: n)
        }
    }

    /// Transposing the weight pays off from this many rows on …
    static let transposeMinimumRows = 8
    /// … for weights of at most this many elements (256 KiB: the copy stays in cache).
    static let transposeLimit = 32_768

    /// `y = x·Wᵀ + b` as `linear(_:_:_:into:…)`, given `Wᵀ` stored row-major
    /// (`[inputs, outputs]`): one `dgemm` without transposes.
    static func linear(_ x: UnsafePointer<Double>?, transposedWeight wt: UnsafePointer<Double>?, _ b: UnsafePointer<Double>?,
                       into y: UnsafeMutablePointer<Double>, rows m: Int, inputs k: Int, outputs n: Int) {
        guard let beta = startLinearOutput(y, bias: b, rows: m, inputs: k, outputs: n) else { return }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1.0,
                    x, Int32(k), wt, Int32(n), beta, y, Int32(n))
    }

    /// Fills `y` with the bias rows (one vectorised C loop, not a memmove per row) and
    /// returns the `dgemm`'s β (1 with a bias, else 0); nil when no product is left to
    /// compute (an empty output, or `inputs = 0`, where `y` is the bias or zero).
    private static func startLinearOutput(_ y: UnsafeMutablePointer<Double>, bias b: UnsafePointer<Double>?,
                                          rows m: Int, inputs k: Int, outputs n: Int) -> Double? {
        guard m > 0, n > 0 else { return nil }
        if let b { resode_repeat_row(b, y, m, n) }
        if k == 0 {
            if b == nil { y.update(repeating: 0, count: m * n) }
            return nil
        }
        return b == nil ? 0 : 1
    }

    /// `self + α·other` for tensors of one shape, in one pass (an Euler step `x + h·f`).
    public func adding(_ other: Tensor, scaledBy alpha: Double) throws -> Tensor {
        guard shape == other.shape else {
            throw TensorError.shapeMismatch(operation: "adding(_:scaledBy:)", lhs: shape, rhs: other.shape)
        }
        return Tensor.build(shape: shape, count: count) { out in
            scalars.withUnsafeBufferPointer { p in
                other.scalars.withUnsafeBufferPointer { q in
                    guard let x = p.baseAddress, let f = q.baseAddress, let y = out.baseAddress else { return }
                    Tensor.add(x, f, scaledBy: alpha, into: y, count: count)
                }
            }
        }
    }

    /// `y[i] = x[i] + α·f[i]` for `i < count` on raw buffers.
    static func add(_ x: UnsafePointer<Double>, _ f: UnsafePointer<Double>, scaledBy alpha: Double,
                    into y: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { y[i] = x[i] + alpha * f[i] }
    }
}
