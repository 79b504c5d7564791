// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// `f(t, y)` by replaying a field's trace (`TracedFunction(field:batchSize:parameters:)`):
/// the state is read in place from the caller's buffer, the time column is
/// filled with `t`, and the result is written straight into the caller's output
/// buffer. One per solver (the workspace is not thread-safe).
final class ReplayedRightHandSide {
    private let function: TracedFunction
    private let workspace: TracedFunction.Workspace
    /// The time column `t·𝟙` `[batch, 1]`, refilled when `t` changes.
    private var timeColumn: [Double]

    init(function: TracedFunction, batchSize: Int) {
        self.function = function
        self.workspace = function.makeWorkspace()
        self.timeColumn = [Double](repeating: 0, count: batchSize)
    }

    func evaluate(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>) throws {
        fillTimeColumn(&timeColumn, with: t)
        try timeColumn.withUnsafeBufferPointer { time in
            try function.evaluate(y, time, into: dydt, using: workspace)
        }
    }

    /// `f(x, t)` on a tensor of the traced shape (allocates the result).
    func evaluate(_ x: Tensor, at t: Double) throws -> Tensor {
        var result = try Tensor.zeros(function.outputShape)
        try x.withUnsafeBufferPointer { state in
            try result.withUnsafeMutableBufferPointer { output in try evaluate(t, state, output) }
        }
        return result
    }
}

/// Sets every entry of a replay's time column to `t` (a no-op when it already holds `t`).
func fillTimeColumn(_ column: inout [Double], with t: Double) {
    guard column.first != t else { return }
    for i in column.indices { column[i] = t }
}
