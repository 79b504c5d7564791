// SPDX-License-Identifier: GPL-3.0-or-later
@testable import ContinuousDepth
import NetworkLayers
import TensorCore
import Testing

/// `AdjointTraceCache`: one trace per (MLPField, batch size), reused exactly.
struct AdjointTraceCacheTests {
    /// Counts the traces `make` builds.
    final class TraceCounter: @unchecked Sendable {
        var count = 0
    }

    @Test("a neural field's adjoint trace is built once per MLPField and batch size; failed traces are not cached; least recently used dropped")
    func cachesByFieldShape() throws {
        let cache = AdjointTraceCache(capacity: 2)
        let counter = TraceCounter()
        func trace(_ field: some TraceableField, batch: Int) throws -> TracedFunction {
            try cache.function(for: field, batchSize: batch) {
                counter.count += 1
                return try TracedFunction(adjointOf: field, batchSize: batch)
            }
        }
        let tanhField = try MLPField(dimension: 2, hidden: 5)
        let a = try NeuralVectorField(field: tanhField, seed: 1)
        let b = try NeuralVectorField(field: tanhField, seed: 2)  // same shape, other weights
        _ = try trace(a, batch: 3)
        _ = try trace(b, batch: 3)
        #expect(counter.count == 1)
        _ = try trace(a, batch: 4)
        #expect(counter.count == 2)
        let softplus = try NeuralVectorField(field: MLPField(dimension: 2, hidden: 5, activation: .softplus), seed: 1)
        _ = try trace(softplus, batch: 3)  // third entry: drops (tanh, 3), the least recently used
        #expect(counter.count == 3 && cache.count == 2)
        _ = try trace(a, batch: 3)
        #expect(counter.count == 4)
        let relu = try NeuralVectorField(field: MLPField(dimension: 2, hidden: 5, activation: .relu), seed: 1)
        #expect(throws: AutodiffError.self) { _ = try trace(relu, batch: 3) }  // a failed trace is not cached
        #expect(cache.count == 2 && counter.count == 5)
    }

    @Test("the replay of a cached trace reads the new field's parameters: matches reverse mode for other weights (≤ 1e-13)")
    func reusedTraceUsesNewParameters() throws {
        let (batch, d) = (4, 3)
        let shape = try MLPField(dimension: d, hidden: 7, usesTime: true)
        let first = try NeuralVectorField(field: shape, seed: 201)
        let second = try NeuralVectorField(field: shape, seed: 202)
        _ = try ReplayedAdjointRightHandSide(field: first, batchSize: batch)  // puts the trace in the shared cache
        let replay = try ReplayedAdjointRightHandSide(field: second, batchSize: batch)
        let x = try Fixtures.batch(batch, d, seed: 203)
        let a = try Fixtures.batch(batch, d, seed: 204)
        let t = 0.4
        let (value, products) = try vectorJacobianProduct(at: [x] + second.parameters.values, cotangent: a) { v in
            try second(v[0], time: t, parameters: Array(v[1...]))
        }
        let expected = value.scalars + products.flatMap { $0.scalars.map { -$0 } }
        let parameterCount = second.parameters.values.reduce(0) { $0 + $1.count }
        let state = x.scalars + a.scalars + [Double](repeating: 0, count: parameterCount)
        var derivative = [Double](repeating: .nan, count: state.count)
        try state.withUnsafeBufferPointer { s in
            try derivative.withUnsafeMutableBufferPointer { out in try replay.evaluate(t, s, out) }
        }
        #expect(try Tensor(derivative).relativeDifference(to: Tensor(expected)) <= 1e-13)
    }
}
