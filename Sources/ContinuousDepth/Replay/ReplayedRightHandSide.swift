// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// `f(t, y)` by replaying a field's trace (`TracedFunction(field:batchSize:parameters:)`):
/// the state is read in place from the caller's buffer, the time column is
/// filled with `t`, and the result is written straight into the caller's output
/// buffer. One per solver (the workspace is not thread-safe).
final class ReplayedRightHandSide {
    private let function: TracedFunction
    private let workspace: TracedFunction.Workspace
    private let timeColumn: UnsafeMutableBufferPointer<Double>

    init(function: TracedFunction, batchSize: Int) {
        self.function = function
        self.workspace = function.makeWorkspace()
        self.timeColumn = .allocate(capacity: batchSize)
        timeColumn.initialize(repeating: 0)
    }

    deinit {
        timeColumn.deallocate()
    }

    func evaluate(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>) throws {
        timeColumn.update(repeating: t)
        try function.evaluate(y, UnsafeBufferPointer(timeColumn), into: dydt, using: workspace)
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
