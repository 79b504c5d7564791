// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The `k` eigenvalues of largest magnitude of a symmetric operator (a Hessian) by power
/// iteration with deflation:
///
///     B_i v = A v − Σ_{j<i} λ_j u_j (u_jᵀ v),   v ← B_i v / ‖B_i v‖,   λ = vᵀ B_i v
///
/// (Hotelling deflation: `B_i` has the eigenvalues of `A` with `λ₁ … λ_{i−1}` replaced by 0).
/// The iterate is also kept orthogonal to the found `u_j` (`P` projects onto their complement).
/// It stops when the residual `‖P B_i v − λ v‖ ≤ tolerance·|λ|`. Convergence is linear with ratio `|λ_{i+1}/λ_i|`, so
/// it is slow for close eigenvalues; Lanczos needs far fewer products for the same accuracy.
///
/// Reference: Golub & Van Loan, *Matrix Computations*, 4th ed., §8.2.1 and §7.3.
public struct PowerIterationEigenvalues: Sendable, Equatable {
    /// `λ₁, λ₂, …` in the order found (decreasing `|λ|`).
    public let eigenvalues: [Double]
    /// The unit eigenvectors `u_j`.
    public let eigenvectors: [[Double]]
    /// Operator products taken for each eigenvalue.
    public let iterations: [Int]
    /// Whether each eigenvalue met the tolerance within `maximumIterations`.
    public let converged: [Bool]

    /// Runs power iteration with deflation on a Hessian.
    public init(of hessian: HessianOperator, count: Int, tolerance: Double, maximumIterations: Int, seed: UInt64) throws {
        try self.init(dimension: hessian.dimension, count: count, tolerance: tolerance,
                      maximumIterations: maximumIterations, seed: seed, applying: hessian.apply)
    }

    /// Runs power iteration with deflation on a symmetric operator `v ↦ A·v` on `[n]` vectors.
    /// - Throws: `AnalysisError.invalidArgument` for `count` outside `1...n`, a tolerance that
    ///   is not positive or `maximumIterations < 1`; `AnalysisError.nonFinite` for a non-finite product.
    public init(dimension n: Int, count: Int, tolerance: Double, maximumIterations: Int, seed: UInt64,
                applying operation: (Tensor) throws -> Tensor) throws {
        guard n >= 1, (1...n).contains(count) else {
            throw AnalysisError.invalidArgument(name: "count", value: "\(count)", reason: "must be in 1...\(n), the operator's dimension")
        }
        guard tolerance > 0, tolerance.isFinite else {
            throw AnalysisError.invalidArgument(name: "tolerance", value: "\(tolerance)", reason: "must be finite and > 0")
        }
        guard maximumIterations >= 1 else {
            throw AnalysisError.invalidArgument(name: "maximumIterations", value: "\(maximumIterations)", reason: "must be ≥ 1")
        }
        var generator = SeededGenerator(seed: seed)
        var values: [Double] = [], vectors: [Tensor] = [], counts: [Int] = [], flags: [Bool] = []
        func deflated(_ v: Tensor) throws -> Tensor {
            var w = try operatorProduct(operation, v, dimension: n)
            for (lambda, u) in zip(values, vectors) { try w.add(u, scaledBy: -lambda * (try u.dot(v))) }
            return w
        }
        func orthogonalize(_ v: inout Tensor) throws {
            for u in vectors { try v.add(u, scaledBy: -(try u.dot(v))) }
        }
        for _ in 0..<count {
            var v = try Tensor.randomNormal([n], using: &generator)
            try orthogonalize(&v)
            let size = v.l2Norm()
            if size > 0 { v = v / size }
            var lambda = 0.0
            var steps = 0
            var done = false
            while steps < maximumIterations {
                var w = try deflated(v)
                steps += 1
                // The residual is measured in the complement of the found eigenvectors: the part
                // of B_i v along them only reflects their own (tolerance-sized) errors.
                try orthogonalize(&w)
                lambda = try v.dot(w)
                if try w.adding(v, scaledBy: -lambda).l2Norm() <= tolerance * Swift.abs(lambda) { done = true; break }
                let size = w.l2Norm()
                // B_i v = 0: v lies in the null space, so the remaining eigenvalues are 0.
                if size == 0 { done = true; lambda = 0; break }
                v = w / size
            }
            values.append(lambda)
            vectors.append(v)
            counts.append(steps)
            flags.append(done)
        }
        self.eigenvalues = values
        self.eigenvectors = vectors.map(\.scalars)
        self.iterations = counts
        self.converged = flags
    }
}
