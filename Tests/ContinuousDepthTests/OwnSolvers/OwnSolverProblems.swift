// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif
import ContinuousDepth
import TensorCore

/// Reference problems with closed-form solutions for the own-solver tests.
enum OwnSolverProblems {
    /// `x' = A x` with `A = [[−a, −ω], [ω, −a]]` (rotation plus decay), acting on
    /// rows `x [batch, 2]` as `x·Aᵀ`. Exact: `x(t) = e^{−at} R(ωt) x0`.
    static func rotationDecay(decay a: Double, frequency omega: Double) throws -> ClosureVectorField {
        let matrix = try Tensor([[-a, -omega], [omega, -a]])
        return ClosureVectorField(dimension: 2) { x, _, _ in
            try Variable.linear(x, weight: Variable(matrix), bias: nil)
        }
    }

    /// `e^{−at} R(ωt) x0` row by row.
    static func rotationDecayExact(_ x0: Tensor, at t: Double, decay a: Double, frequency omega: Double) throws -> Tensor {
        let (c, s, g) = (cos(omega * t), sin(omega * t), exp(-a * t))
        var out = x0
        for row in 0..<x0.shape[0] {
            let (p, q) = (x0[row, 0], x0[row, 1])
            out[row, 0] = g * (c * p - s * q)
            out[row, 1] = g * (s * p + c * q)
        }
        return out
    }

    /// The logistic equation `y' = y(1 − y)`, `d = 1`.
    static let logistic = ClosureVectorField(dimension: 1) { y, _, _ in try y - y * y }

    /// `y(t) = y0 eᵗ / (1 − y0 + y0 eᵗ)`.
    static func logisticExact(_ y0: Tensor, at t: Double) -> Tensor {
        y0.map { y in y * exp(t) / (1 - y + y * exp(t)) }
    }

    /// Three starting rows for the 2-d problems.
    static func twoDimensionalStates() throws -> Tensor { try Tensor([[1, 0], [0.3, -0.8], [-0.5, 0.25]]) }
    /// Three starting values for the logistic equation.
    static func logisticStates() throws -> Tensor { try Tensor([[0.1], [0.5], [0.9]]) }

    /// `max |aᵢ − bᵢ|`.
    static func maximumError(_ a: Tensor, _ b: Tensor) throws -> Double {
        try (a - b).maxNorm()
    }
}
