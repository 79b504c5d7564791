// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL

extension GSLLinearAlgebra {
    /// The singular values `σ₁ ≥ σ₂ ≥ … ≥ σₖ ≥ 0`, `k = min(m, n)`, of an `m×n`
    /// matrix `A = U·diag(σ)·Vᵀ`, by GSL's Golub–Reinsch SVD (`gsl_linalg_SV_decomp`).
    ///
    /// GSL needs `m ≥ n`; a wide matrix is transposed first (`A` and `Aᵀ` have the
    /// same singular values).
    ///
    /// - Parameters:
    ///   - scalars: the `m·n` entries of `A`, row-major.
    ///   - rows: `m`.
    ///   - columns: `n`.
    /// - Throws: `GSLLinearAlgebraError` for a wrong element count, non-positive
    ///   dimensions, non-finite entries, or a failure inside GSL.
    public static func singularValues(of scalars: [Double], rows: Int, columns: Int) throws -> [Double] {
        GSL.disableAbortOnError()
        let operation = "singularValues"
        try validate(scalars, rows: rows, columns: columns, square: false, operation: operation)
        let tall = rows >= columns
        let m = tall ? rows : columns
        let n = tall ? columns : rows
        var a: [Double]
        if tall {
            a = scalars
        } else {
            a = [Double](repeating: 0, count: m * n)
            for i in 0..<rows {
                for j in 0..<columns { a[j * rows + i] = scalars[i * columns + j] }
            }
        }
        var v = [Double](repeating: 0, count: n * n)
        var singularValues = [Double](repeating: 0, count: n)
        var work = [Double](repeating: 0, count: n)
        try a.withUnsafeMutableBufferPointer { aBuffer in
            try v.withUnsafeMutableBufferPointer { vBuffer in
                try singularValues.withUnsafeMutableBufferPointer { sBuffer in
                    try work.withUnsafeMutableBufferPointer { workBuffer in
                        var aView = gsl_matrix_view_array(aBuffer.baseAddress, m, n)
                        var vView = gsl_matrix_view_array(vBuffer.baseAddress, n, n)
                        var sView = gsl_vector_view_array(sBuffer.baseAddress, n)
                        var workView = gsl_vector_view_array(workBuffer.baseAddress, n)
                        try check(gsl_linalg_SV_decomp(&aView.matrix, &vView.matrix, &sView.vector, &workView.vector),
                                  operation: "gsl_linalg_SV_decomp")
                    }
                }
            }
        }
        return singularValues
    }
}
