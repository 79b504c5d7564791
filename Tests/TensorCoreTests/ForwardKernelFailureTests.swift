// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
@testable import TensorCore

/// A replayed step whose tensor operation fails must throw, not write NaN.
@Suite("A recomputing trace step reports failure")
struct ForwardKernelFailureTests {
    private struct Failure: Error {}

    /// Runs `kernel` on the one input `[1, 2]` into a buffer of `outputCount` values.
    private func run(_ kernel: ForwardKernel, outputCount: Int) throws -> [Double] {
        let input: [Double] = [1, 2]
        var output = [Double](repeating: 0, count: outputCount)
        try input.withUnsafeBufferPointer { i in
            let pointers = [i.baseAddress!]
            try pointers.withUnsafeBufferPointer { p in
                try output.withUnsafeMutableBufferPointer { o in try kernel.run(p.baseAddress!, o.baseAddress!) }
            }
        }
        return output
    }

    @Test("the operation's own error propagates")
    func operationErrorPropagates() {
        let kernel = ForwardKernel.recomputing([[2]], outputCount: 2) { _ in throw Failure() }
        #expect(throws: Failure.self) { _ = try run(kernel, outputCount: 2) }
    }

    @Test("a result of the wrong size throws shapeMismatch")
    func wrongSizeThrows() {
        let kernel = ForwardKernel.recomputing([[2]], outputCount: 2) { _ in try Tensor.zeros([3]) }
        #expect(throws: AutodiffError.self) { _ = try run(kernel, outputCount: 2) }
    }

    @Test("a working operation writes its result")
    func workingOperationWrites() throws {
        let kernel = ForwardKernel.recomputing([[2]], outputCount: 2) { $0[0] * 3 }
        #expect(try run(kernel, outputCount: 2) == [3, 6])
    }
}
