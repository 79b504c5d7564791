// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif
import TensorCore

/// Stiff reference problems on batches of rows `x [batch, d]`, written with
/// core operations so that the autodiff gives their Jacobians, each with a
/// known answer: an exact solution or published reference values.
public enum StiffReferenceProblems {
    // MARK: linear

    /// `y′ = A y` with symmetric `A = Q diag(λ) Qᵀ`, `Q = I − 2vvᵀ/(vᵀv)` the
    /// Householder reflection of `v = (1, 2, …, d)`. Exact solution
    /// `y(t) = Q diag(e^{λt}) Qᵀ y(0)` (row form: `x(t) = x(0)·e^{tA}`, A symmetric).
    /// Stiffness ratio `max|λ| / min|λ|`.
    public struct Linear: Sendable {
        public let eigenvalues: [Double]
        /// `A`, `d × d`.
        public let matrix: Tensor
        let reflection: [[Double]]

        public init(eigenvalues: [Double]) throws {
            let d = eigenvalues.count
            let v = (1...d).map(Double.init)
            let norm2 = v.reduce(0) { $0 + $1 * $1 }
            var q = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
            for i in 0..<d { for j in 0..<d { q[i][j] = (i == j ? 1 : 0) - 2 * v[i] * v[j] / norm2 } }
            var a = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
            for i in 0..<d { for j in 0..<d { for k in 0..<d { a[i][j] += q[i][k] * eigenvalues[k] * q[j][k] } } }
            self.eigenvalues = eigenvalues
            self.reflection = q
            self.matrix = try Tensor(a)
        }

        public var dimension: Int { eigenvalues.count }

        /// `f(x) = x·Aᵀ` row by row.
        public func field(_ x: Variable) throws -> Variable {
            try Variable.matmul(x, Variable(matrix), transposeB: true)
        }

        /// `x(t) = x(0)·e^{tA}` for every row, by the eigendecomposition.
        public func exact(_ x0: Tensor, at t: Double) throws -> Tensor {
            let d = dimension, q = reflection
            var out = x0
            for row in 0..<x0.shape[0] {
                for j in 0..<d {
                    var sum = 0.0
                    for i in 0..<d {
                        var e = 0.0
                        for k in 0..<d { e += q[i][k] * exp(eigenvalues[k] * t) * q[j][k] }
                        sum += x0[row, i] * e
                    }
                    out[row, j] = sum
                }
            }
            return out
        }
    }

    // MARK: Van der Pol

    /// Van der Pol's oscillator as a first-order system with `μ = 1 000`:
    ///
    ///     y₁′ = y₂,   y₂′ = μ(1 − y₁²)y₂ − y₁,   y(0) = (2, 0).
    ///
    /// Relaxation oscillations of period ≈ (3 − 2 ln 2)μ ≈ 1 614 with fast jumps;
    /// stiff away from them (an eigenvalue ≈ −3μ on the slow branch). No closed
    /// form: tests compare with a tight-tolerance reference.
    /// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.1, eq. (1.5′).
    public static let vanDerPolMu = 1_000.0

    /// `f` of Van der Pol with `μ = vanDerPolMu`, rows `[y₁, y₂]`.
    public static func vanDerPol(_ x: Variable) throws -> Variable {
        let y1 = try x.slice(0..<1, alongAxis: 1), y2 = try x.slice(1..<2, alongAxis: 1)
        let dy2 = try (try (1 - y1.square()) * y2) * vanDerPolMu - y1
        return try Variable.concatenate([y2, dy2], alongAxis: 1)
    }

    // MARK: Robertson

    /// Robertson's chemical kinetics,
    ///
    ///     y₁′ = −0.04y₁ + 10⁴y₂y₃,   y₂′ = 0.04y₁ − 10⁴y₂y₃ − 3·10⁷y₂²,   y₃′ = 3·10⁷y₂²,
    ///
    /// from `(1, 0, 0)`. The mass `y₁ + y₂ + y₃` is conserved exactly by the ODE
    /// (and by every Runge–Kutta or Rosenbrock method, to round-off and Newton error).
    /// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.1, eq. (1.4) and §IV.10.
    public static func robertson(_ x: Variable) throws -> Variable {
        let y1 = try x.slice(0..<1, alongAxis: 1)
        let y2 = try x.slice(1..<2, alongAxis: 1)
        let y3 = try x.slice(2..<3, alongAxis: 1)
        let production = try y2.square() * 3e7
        let exchange = try y2 * y3 * 1e4
        let dy1 = try exchange - y1 * 0.04
        let dy3 = production
        let dy2 = try (try y1 * 0.04 - exchange) - production
        return try Variable.concatenate([dy1, dy2, dy3], alongAxis: 1)
    }

    /// `y(40)` from `(1, 0, 0)`, as tabulated by Hairer & Wanner (*Solving ODEs II*,
    /// §IV.10, Robertson's reference solution; 10 significant digits).
    public static let robertsonAt40: [Double] = [0.7158270687, 9.185534765e-6, 0.2841637457]
}
