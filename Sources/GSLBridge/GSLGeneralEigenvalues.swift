// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL

extension GSLLinearAlgebra {
    /// The eigenvalues `λ` of a general real square matrix, `det(A − λI) = 0`,
    /// by GSL's Francis double-shift QR method on the balanced Hessenberg form
    /// (`gsl_eigen_nonsymm`).
    ///
    /// Complex eigenvalues come in conjugate pairs `a ± bi`. The result is sorted
    /// by ascending real part, then ascending imaginary part.
    ///
    /// - Parameters:
    ///   - scalars: the `n·n` entries of `A`, row-major.
    ///   - rows: `n`.
    ///   - columns: `n`.
    /// - Throws: `GSLLinearAlgebraError` for a non-square shape, a wrong element
    ///   count, non-finite entries, or `.notConverged` if the QR iteration fails.
    public static func eigenvalues(of scalars: [Double], rows: Int, columns: Int) throws -> [GSLComplexNumber] {
        GSL.disableAbortOnError()
        let operation = "eigenvalues"
        try validate(scalars, rows: rows, columns: columns, square: true, operation: operation)
        let n = rows
        var matrix = scalars
        guard let workspace = gsl_eigen_nonsymm_alloc(n) else {
            throw GSLLinearAlgebraError.library(operation: "gsl_eigen_nonsymm_alloc", error: .outOfMemory)
        }
        defer { gsl_eigen_nonsymm_free(workspace) }
        // Balancing (a diagonal similarity) improves accuracy on badly scaled matrices.
        gsl_eigen_nonsymm_params(0, 1, workspace)
        guard let values = gsl_vector_complex_alloc(n) else {
            throw GSLLinearAlgebraError.library(operation: "gsl_vector_complex_alloc", error: .outOfMemory)
        }
        defer { gsl_vector_complex_free(values) }
        try matrix.withUnsafeMutableBufferPointer { a in
            var view = gsl_matrix_view_array(a.baseAddress, n, n)
            try check(gsl_eigen_nonsymm(&view.matrix, values, workspace), operation: "gsl_eigen_nonsymm")
        }
        let stride = values.pointee.stride
        var result: [GSLComplexNumber] = []
        result.reserveCapacity(n)
        for k in 0..<n {
            let real = values.pointee.data[2 * k * stride]
            let imaginary = values.pointee.data[2 * k * stride + 1]
            result.append(GSLComplexNumber(real: real, imaginary: imaginary))
        }
        result.sort { ($0.real, $0.imaginary) < ($1.real, $1.imaginary) }
        return result
    }
}
