// SPDX-License-Identifier: GPL-3.0-or-later

extension Variable {
    /// `C = op(A)·op(B)` (see `Tensor.matmul`); transposes are BLAS flags, never copies.
    ///
    ///     Ċ = op(Ȧ)·op(B) + op(A)·op(Ḃ)
    ///     Ā = C̄·op(B)ᵀ  (or op(B)·C̄ᵀ when A is transposed)
    ///     B̄ = op(A)ᵀ·C̄  (or C̄ᵀ·op(A) when B is transposed)
    public static func matmul(_ a: Variable, _ b: Variable,
                              transposeA: Bool = false, transposeB: Bool = false) throws -> Variable {
        let c = try Tensor.matmul(a.value, b.value, transposeA: transposeA, transposeB: transposeB)
        return try record(c, inputs: [a, b], operation: "matmul", retaining: .firstTwoInputs,
                          tangent: { t in
                              var parts: [Tensor?] = []
                              if let ta = t[0] { parts.append(try Tensor.matmul(ta, b.value, transposeA: transposeA, transposeB: transposeB)) }
                              if let tb = t[1] { parts.append(try Tensor.matmul(a.value, tb, transposeA: transposeA, transposeB: transposeB)) }
                              return try tangentSum(parts, shape: c.shape)
                          },
                          pullback: { g, _, x in
                              let (a, b) = (x[0], x[1])
                              let ga = transposeA
                                  ? try matmul(b, g, transposeA: transposeB, transposeB: true)
                                  : try matmul(g, b, transposeA: false, transposeB: !transposeB)
                              let gb = transposeB
                                  ? try matmul(g, a, transposeA: true, transposeB: transposeA)
                                  : try matmul(a, g, transposeA: !transposeA, transposeB: false)
                              return [ga, gb]
                          },
                          forward: ForwardKernel { [rows = c.shape[0], columns = c.shape[1], leadingA = a.shape[1], leadingB = b.shape[1],
                                                    inner = transposeA ? a.shape[0] : a.shape[1]] p, out in
                              Tensor.matmul(p[0], p[1], into: out, rows: rows, columns: columns, inner: inner,
                                            leadingA: leadingA, leadingB: leadingB, transposeA: transposeA, transposeB: transposeB)
                          })
    }

    /// `self · other` (matrix product).
    public func matmul(_ other: Variable) throws -> Variable { try Variable.matmul(self, other) }
}
