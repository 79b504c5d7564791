// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension TracedFunction {
    /// The continuous adjoint's augmented right-hand side of a `TraceableField`,
    /// traced once for one batch size:
    ///
    ///     (x, a, t·𝟙, θ₁ … θ_m) ↦ [f(x, t; θ), −aᵀ∂f/∂x, −aᵀ∂f/∂θ₁, …, −aᵀ∂f/∂θ_m]
    ///
    /// flattened row-major into one vector of `2n + P` values, the layout of the
    /// augmented state `[x, a, a_θ]`. The VJPs are recorded (`recordedPullback`
    /// seeded with `−a`), so the replay runs the forward and backward kernels of
    /// one evaluation with no tape. Checked at two sample points against the
    /// field's own value and reverse-mode VJPs.
    /// - Throws: `AutodiffError` when the field or its pullbacks cannot be traced
    ///   (an operation without a kernel, a constant that depends on the values as
    ///   ReLU's mask does); the field's own errors.
    init(adjointOf field: some TraceableField, batchSize: Int) throws {
        let parameters = field.parameters.values
        let samples = try TracedFunction.fieldSamples(batchSize: batchSize, dimension: field.dimension, states: 2)
            .map { $0 + parameters }
        try self.init(samples: samples,
                      reference: { sample in
                          let (value, pullback) = try valueWithPullback(at: [sample[0]] + Array(sample[3...])) { v in
                              try field(v[0], time: sample[2].scalars[0], parameters: Array(v[1...]))
                          }
                          let cotangents = try pullback(sample[1])
                          return try Tensor.concatenate(try ([value] + cotangents.map { $0 * -1 })
                              .map { try $0.reshaped(to: [-1]) })
                      },
                      { v in
                          let (x, a, timeColumn, theta) = (v[0], v[1], v[2], Array(v[3...]))
                          let value = try field(x, timeColumn: timeColumn, parameters: theta)
                          let cotangents = try recordedPullback(of: value, seed: a.scaled(by: -1), to: [x] + theta)
                          return try Variable.concatenate(try ([value] + cotangents).map { try $0.reshaped(to: [-1]) })
                      })
    }
}

/// `s′ = [f, −aᵀ∂f/∂x, −aᵀ∂f/∂θ]` at `(t, s = [x, a, a_θ])` by replaying the
/// adjoint trace: `x` and `a` are read in place from the solver's buffer, the
/// parameters from buffers filled once, and the result is written into the
/// solver's output. One per solver (the workspace is not thread-safe); the trace of a
/// `NeuralVectorField` is shared through `AdjointTraceCache`.
final class ReplayedAdjointRightHandSide {
    private let function: TracedFunction
    private let workspace: TracedFunction.Workspace
    /// The time column `t·𝟙` `[batch, 1]`, refilled when `t` changes.
    private var timeColumn: [Double]
    /// The parameter values `θ₁ … θ_m`, inputs 3… of the trace.
    private let parameters: [Tensor]
    private let stateCount: Int

    /// - Throws: as `TracedFunction(adjointOf:batchSize:)`.
    init(field: some TraceableField, batchSize: Int) throws {
        function = try AdjointTraceCache.shared.function(for: field, batchSize: batchSize) {
            try TracedFunction(adjointOf: field, batchSize: batchSize)
        }
        workspace = function.makeWorkspace()
        stateCount = batchSize * field.dimension
        timeColumn = [Double](repeating: 0, count: batchSize)
        parameters = field.parameters.values
    }

    /// - Throws: `AutodiffError.shapeMismatch` when `s` or `dsdt` does not have `2n + P` values.
    func evaluate(_ t: Double, _ s: UnsafeBufferPointer<Double>, _ dsdt: UnsafeMutableBufferPointer<Double>) throws {
        let n = stateCount
        guard s.count >= 2 * n else {
            throw AutodiffError.shapeMismatch(what: "augmented state", expected: [dsdt.count], got: [s.count])
        }
        fillTimeColumn(&timeColumn, with: t)
        try timeColumn.withUnsafeBufferPointer { time in
            try withParameterBuffers(parameters[...], [UnsafeBufferPointer(rebasing: s[0..<n]),
                                                       UnsafeBufferPointer(rebasing: s[n..<(2 * n)]), time]) { inputs in
                try function.evaluate(inputs, into: dsdt, using: workspace)
            }
        }
    }
}

/// Calls `body` with `prefix` followed by the element buffers of `tensors` (valid only inside `body`).
private func withParameterBuffers(_ tensors: ArraySlice<Tensor>, _ prefix: [UnsafeBufferPointer<Double>],
                                  _ body: ([UnsafeBufferPointer<Double>]) throws -> Void) throws {
    guard let first = tensors.first else { return try body(prefix) }
    try first.withUnsafeBufferPointer { buffer in
        try withParameterBuffers(tensors.dropFirst(), prefix + [buffer], body)
    }
}
