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
                    cblas_dgemm(CblasRowMajor,
                                transposeA ? CblasTrans : CblasNoTrans,
                                transposeB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), 1.0,
                                pa.baseAddress, Int32(a.shape[1]),
                                pb.baseAddress, Int32(b.shape[1]),
                                0.0, c.baseAddress, Int32(n))
                }
            }
        }
    }

    /// `self · other` (matrix product).
    public func matmul(_ other: Tensor) throws -> Tensor { try Tensor.matmul(self, other) }
}
