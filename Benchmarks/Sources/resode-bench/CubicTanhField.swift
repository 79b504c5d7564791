// SPDX-License-Identifier: GPL-3.0-or-later
import ResODE

/// The vector field of W2 node-spiral (the torchdiffeq `ode_demo` field):
///
///     f(x) = tanh(x³·W1ᵀ + b1)·W2ᵀ + b2      (x³ elementwise; dim 2, hidden 50)
///
/// It cubes its input first, so it is not an `MLPField`; a user writes it as a
/// small `VectorField` with the same fused ops (`Variable.linear`, `tanh`).
/// The cube is `x·x·x` (two products of 40 numbers) rather than `x.pow(3)`,
/// which calls libm's `pow` per element. It is autonomous and written with
/// tensor operations only, so it is a `TraceableField`: GSL solves replay its trace.
struct CubicTanhField: TraceableField {
    let dimension: Int
    var parameters: ParameterList

    /// `weights = [W1 [hidden, d], b1 [hidden], W2 [d, hidden], b2 [d]]`.
    init(weights: [Tensor]) throws {
        guard weights.count == 4, weights[0].rank == 2, weights[2].rank == 2,
              weights[1].shape == [weights[0].shape[0]], weights[2].shape == [weights[0].shape[1], weights[0].shape[0]],
              weights[3].shape == [weights[0].shape[1]] else {
            throw BenchmarkError.badInput("W2 weights: shapes \(weights.map(\.shape)) are not [h, d], [h], [d, h], [d]")
        }
        dimension = weights[0].shape[1]
        parameters = try ParameterList(names: ["f.linear1.weight", "f.linear1.bias", "f.linear2.weight", "f.linear2.bias"],
                                       values: weights)
    }

    func callAsFunction(_ x: Variable, timeColumn: Variable, parameters p: [Variable]) throws -> Variable {
        try self(x, time: 0, parameters: p)
    }

    func callAsFunction(_ x: Variable, time t: Double, parameters p: [Variable]) throws -> Variable {
        let cube = try x * x * x
        let hidden = try Variable.linear(cube, weight: p[0], bias: p[1]).tanh()
        return try Variable.linear(hidden, weight: p[2], bias: p[3])
    }
}
