// SPDX-License-Identifier: GPL-3.0-or-later
@testable import ContinuousDepth
import NetworkLayers
import TensorCore
import Testing

@Suite("The adjoint's augmented right-hand side replays from a trace")
struct AdjointTraceTests {
    @Test("replayed [f, −aᵀ∂f/∂x, −aᵀ∂f/∂θ] equals the field and reverse mode at a new point (≤ 1e-13), tanh and softplus, with and without time",
          arguments: [(Activation.tanh, false), (.tanh, true), (.softplus, false)])
    func replayMatchesReverseMode(_ activation: Activation, _ usesTime: Bool) throws {
        let (batch, d) = (5, 3)
        let field = try NeuralVectorField(field: MLPField(dimension: d, hidden: 6, activation: activation, usesTime: usesTime),
                                          seed: 97)
        let replay = try ReplayedAdjointRightHandSide(field: field, batchSize: batch)
        let x = try Fixtures.batch(batch, d, seed: 98)
        let a = try Fixtures.batch(batch, d, seed: 99)
        let t = 1.3
        let (value, products) = try vectorJacobianProduct(at: [x] + field.parameters.values, cotangent: a) { v in
            try field(v[0], time: t, parameters: Array(v[1...]))
        }
        let expected = value.scalars + products.flatMap { $0.scalars.map { -$0 } }
        let parameterCount = field.parameters.values.reduce(0) { $0 + $1.count }
        let state = x.scalars + a.scalars + [Double](repeating: 0, count: parameterCount)
        var derivative = [Double](repeating: .nan, count: state.count)
        try state.withUnsafeBufferPointer { s in
            try derivative.withUnsafeMutableBufferPointer { out in try replay.evaluate(t, s, out) }
        }
        #expect(try Tensor(derivative).relativeDifference(to: Tensor(expected)) <= 1e-13)
    }

    @Test("a ReLU field's adjoint is not traced: its pullback multiplies by a mask computed from the values")
    func reluIsRefused() throws {
        let field = try NeuralVectorField(field: MLPField(dimension: 2, hidden: 4, activation: .relu), seed: 100)
        #expect(throws: AutodiffError.self) { _ = try ReplayedAdjointRightHandSide(field: field, batchSize: 3) }
    }
}
