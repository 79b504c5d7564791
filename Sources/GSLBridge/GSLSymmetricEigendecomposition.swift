// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL

/// The eigendecomposition `A = V·diag(λ)·Vᵀ` of a real symmetric matrix.
///
/// `eigenvalues` are in ascending order; `eigenvectors[k]` is the unit vector
/// `vₖ` with `A·vₖ = λₖ·vₖ`, signed so that its entry of largest magnitude
/// (the first such) is positive.
public struct GSLSymmetricEigendecomposition: Equatable, Sendable {
    /// `λ₁ ≤ λ₂ ≤ … ≤ λₙ`.
    public let eigenvalues: [Double]
    /// `eigenvectors[k]`: the orthonormal eigenvector for `eigenvalues[k]` (n entries).
    public let eigenvectors: [[Double]]
}

extension GSLLinearAlgebra {
    /// Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix,
    /// by GSL's symmetric QR method (`gsl_eigen_symmv`).
    ///
    /// The decomposition is of the symmetric part `(A + Aᵀ)/2`, so a Hessian that
    /// is symmetric only up to rounding is accepted.
    ///
    /// - Parameters:
    ///   - scalars: the `n·n` entries of `A`, row-major.
    ///   - rows: `n`.
    ///   - columns: `n`.
    /// - Throws: `GSLLinearAlgebraError` for a non-square shape, a wrong element
    ///   count, non-finite entries, or a failure inside GSL.
    public static func symmetricEigendecomposition(of scalars: [Double], rows: Int,
                                                   columns: Int) throws -> GSLSymmetricEigendecomposition {
        GSL.disableAbortOnError()
        let operation = "symmetricEigendecomposition"
        try validate(scalars, rows: rows, columns: columns, square: true, operation: operation)
        let n = rows
        var symmetricPart = scalars
        for i in 0..<n {
            for j in (i + 1)..<n {
                let average = 0.5 * (scalars[i * n + j] + scalars[j * n + i])
                symmetricPart[i * n + j] = average
                symmetricPart[j * n + i] = average
            }
        }
        var eigenvalues = [Double](repeating: 0, count: n)
        var vectorMatrix = [Double](repeating: 0, count: n * n)
        guard let workspace = gsl_eigen_symmv_alloc(n) else {
            throw GSLLinearAlgebraError.library(operation: "gsl_eigen_symmv_alloc", error: .outOfMemory)
        }
        defer { gsl_eigen_symmv_free(workspace) }
        try symmetricPart.withUnsafeMutableBufferPointer { a in
            try eigenvalues.withUnsafeMutableBufferPointer { values in
                try vectorMatrix.withUnsafeMutableBufferPointer { vectors in
                    var aView = gsl_matrix_view_array(a.baseAddress, n, n)
                    var valuesView = gsl_vector_view_array(values.baseAddress, n)
                    var vectorsView = gsl_matrix_view_array(vectors.baseAddress, n, n)
                    try check(gsl_eigen_symmv(&aView.matrix, &valuesView.vector, &vectorsView.matrix, workspace),
                              operation: "gsl_eigen_symmv")
                    try check(gsl_eigen_symmv_sort(&valuesView.vector, &vectorsView.matrix, GSL_EIGEN_SORT_VAL_ASC),
                              operation: "gsl_eigen_symmv_sort")
                }
            }
        }
        // GSL stores eigenvector k in column k.
        var eigenvectors: [[Double]] = []
        eigenvectors.reserveCapacity(n)
        for k in 0..<n {
            var vector = [Double](repeating: 0, count: n)
            var largest = 0
            for i in 0..<n {
                vector[i] = vectorMatrix[i * n + k]
                if abs(vector[i]) > abs(vector[largest]) { largest = i }
            }
            if vector[largest] < 0 {
                for i in 0..<n { vector[i] = -vector[i] }
            }
            eigenvectors.append(vector)
        }
        return GSLSymmetricEigendecomposition(eigenvalues: eigenvalues, eigenvectors: eigenvectors)
    }
}
