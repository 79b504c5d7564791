// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

// Copies between GSL's state buffers (seen as spans) and tensors. GSL owns `y`
// and `dydt`; a tensor needs its own storage, so one copy each way per
// evaluation is unavoidable. Both loops write each element once, with no zero fill.

extension Tensor {
    /// The `shape.product` elements of `source` starting at `offset`, as a new tensor.
    init(copying source: Span<Double>, from offset: Int, shape: [Int]) throws {
        let count = shape.reduce(1, *)
        guard offset >= 0, offset + count <= source.count else {
            throw ContinuousDepthError.invalidArgument(
                "cannot read \(count) values at offset \(offset) from a state of \(source.count) values")
        }
        let scalars = [Double](capacity: count) { output in
            for i in 0..<count { output.append(source[offset + i]) }
        }
        try self.init(shape: shape, scalars: scalars)
    }
}

extension MutableSpan where Element == Double {
    /// Writes `α·tensor` (row-major) into `self[offset ..< offset + tensor.count]`.
    mutating func write(_ tensor: Tensor, at offset: Int, scaledBy alpha: Double = 1) {
        let scalars = tensor.scalars
        for i in scalars.indices { self[offset + i] = alpha * scalars[i] }
    }
}
