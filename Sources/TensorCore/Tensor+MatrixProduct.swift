// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL

extension Tensor {
    /// Matrix product `C = op(A)·op(B)` of two rank-2 tensors through
    /// `cblas_dgemm`, where `op(X)` is `Xᵀ` when the flag is set. The
    /// transposes are passed to BLAS as flags: no copy is made.
    ///
    /// Pullback (for `C = A·B`): `Ā = C̄·Bᵀ`, `B̄ = Aᵀ·C̄`.
    /// - Throws: `TensorError.shapeMismatch` naming both shapes when the inner
    ///   dimensions differ or an operand is not a matrix.
    public static func matmul(_ a: Tensor, _ b: Tensor,
                              transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
        guard a.rank == 2, b.rank == 2 else {
            throw TensorError.shapeMismatch(operation: "matmul (needs two matrices)", lhs: a.shape, rhs: b.shape)
        }
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        guard k == kb else {
            throw TensorError.shapeMismatch(
                operation: "matmul\(transposeA ? " (Aᵀ)" : "")\(transposeB ? " (Bᵀ)" : "")", lhs: a.shape, rhs: b.shape)
        }
        if m == 0 || n == 0 { return Tensor(uncheckedShape: [m, n], scalars: []) }
        if k == 0 { return Tensor(uncheckedShape: [m, n], scalars: Array(repeating: 0, count: m * n)) }
        return Tensor.build(shape: [m, n], count: m * n) { c in
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    guard let output = c.baseAddress else { return }
                    matmul(pa.baseAddress, pb.baseAddress, into: output, rows: m, columns: n, inner: k,
                           leadingA: a.shape[1], leadingB: b.shape[1], transposeA: transposeA, transposeB: transposeB)
                }
            }
        }
    }

    /// `C = op(A)·op(B)` on raw row-major buffers (`C [rows, columns]`, inner dimension
    /// `inner`, `leadingA`/`leadingB` the stored row lengths of A and B): one `dgemm`, β = 0.
    static func matmul(_ a: UnsafePointer<Double>?, _ b: UnsafePointer<Double>?, into c: UnsafeMutablePointer<Double>,
                       rows m: Int, columns n: Int, inner k: Int, leadingA: Int, leadingB: Int,
                       transposeA: Bool, transposeB: Bool) {
        guard m > 0, n > 0 else { return }
        if k == 0 { c.update(repeating: 0, count: m * n); return }
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1.0, a, Int32(leadingA), b, Int32(leadingB), 0.0, c, Int32(n))
    }

    /// `self · other` (matrix product).
    public func matmul(_ other: Tensor) throws -> Tensor { try Tensor.matmul(self, other) }
}
