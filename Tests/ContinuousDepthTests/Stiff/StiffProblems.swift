// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import TensorCore
import TestSupport

/// The stiff reference problems of `TestSupport` as vector fields.
enum StiffProblems {
    static func linear(_ problem: StiffReferenceProblems.Linear) -> ClosureVectorField {
        ClosureVectorField(dimension: problem.dimension) { x, _, _ in try problem.field(x) }
    }

    static let vanDerPol = ClosureVectorField(dimension: 2) { x, _, _ in try StiffReferenceProblems.vanDerPol(x) }

    static let robertson = ClosureVectorField(dimension: 3) { x, _, _ in try StiffReferenceProblems.robertson(x) }

    /// The largest absolute difference between two tensors of one shape.
    static func maximumDifference(_ a: Tensor, _ b: Tensor) -> Double {
        zip(a.scalars, b.scalars).map { Swift.abs($0 - $1) }.max() ?? 0
    }

    /// `count` rows of width `d`, deterministic, in [−1, 1].
    static func states(count: Int, dimension d: Int, seed: UInt64) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return try Tensor(shape: [count, d], scalars: (0..<(count * d)).map { _ in
            Double.random(in: -1...1, using: &generator)
        })
    }
}
