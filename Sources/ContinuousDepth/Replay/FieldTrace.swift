// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension TracedFunction {
    /// The trace of a `TraceableField` for one batch size and fixed parameters, as
    /// a function of the state and the time column: `(x [batch, d], t·𝟙 [batch, 1]) ↦ f`.
    ///
    /// Traced at two sample points (uniform states in [−1, 1], t = 0.3 and 0.7);
    /// the replay must reproduce both the traced form and `f(x, t)` itself there.
    /// - Throws: `AutodiffError` when the field cannot be traced or its replay
    ///   differs; the field's own errors.
    init(field: some TraceableField, batchSize: Int, parameters theta: [Variable]) throws {
        let samples = try TracedFunction.fieldSamples(batchSize: batchSize, dimension: field.dimension, states: 1)
        let constants = theta.map(\.detached)
        try self.init(samples: samples,
                      reference: { sample in
                          try field(Variable(sample[0]), time: sample[1].scalars[0], parameters: constants).value
                      },
                      { inputs in try field(inputs[0], timeColumn: inputs[1], parameters: constants) })
    }

    /// Sample inputs for tracing a field: at t = 0.3 and t = 0.7, `states` batches
    /// `[batchSize, dimension]` uniform in [−1, 1] (seeded), then the time column
    /// `[batchSize, 1]`. Two different points, so that a dependence the trace cannot
    /// see shows up as differing traces.
    static func fieldSamples(batchSize: Int, dimension: Int, states: Int) throws -> [[Tensor]] {
        var generator = SeededGenerator(seed: 0x7ace)
        return try [0.3, 0.7].map { t in
            try (0..<states).map { _ in
                try Tensor.randomUniform([batchSize, dimension], low: -1, high: 1, using: &generator)
            } + [try Tensor(shape: [batchSize, 1], repeating: t)]
        }
    }
}
