// SPDX-License-Identifier: GPL-3.0-or-later

/// Picking elements by flat (row-major) position, and its adjoint:
///
///     y = gather(x, idx):       y[k] = x[idx[k]],           ẏ = gather(ẋ),   x̄ = scatterAdd(ȳ)
///     z = scatterAdd(u, idx):   z[idx[k]] += u[k] (z = 0),  ż = scatterAdd(u̇), ū = gather(z̄)
/// Max pooling is a gather with the indices of the window maxima recorded in
/// the forward pass.
extension Tensor {
    /// `y[k] = self[indices[k]]` (flat positions), shaped `shape`.
    /// - Throws: `TensorError.indexOutOfRange` for an index outside the tensor,
    ///   `TensorError.invalidShape` when `shape` does not hold `indices.count` elements.
    public func gatherElements(_ indices: [Int], shape outputShape: [Int]) throws -> Tensor {
        try Tensor.checkElementIndices(indices, shape: outputShape, bound: count, operation: "gatherElements")
        return Tensor(uncheckedShape: outputShape, scalars: indices.map { scalars[$0] })
    }

    /// A tensor of `shape`, zero except `result[indices[k]] += self[k]`.
    /// - Throws: as `gatherElements`, and `TensorError.shapeMismatch` when `indices` and `self` differ in count.
    public func scatterAddElements(_ indices: [Int], shape outputShape: [Int]) throws -> Tensor {
        guard indices.count == count else {
            throw TensorError.shapeMismatch(operation: "scatterAddElements (one index per element)", lhs: shape, rhs: [indices.count])
        }
        let total = try Tensor.elementCount(of: outputShape, operation: "scatterAddElements")
        try Tensor.checkElementIndices(indices, shape: shape, bound: total, operation: "scatterAddElements")
        var result = [Double](repeating: 0, count: total)
        for (k, i) in indices.enumerated() { result[i] += scalars[k] }
        return Tensor(uncheckedShape: outputShape, scalars: result)
    }

    static func checkElementIndices(_ indices: [Int], shape: [Int], bound: Int, operation: String) throws {
        let count = try elementCount(of: shape, operation: operation)
        guard count == indices.count else {
            throw TensorError.invalidShape(operation: operation, shape: shape, reason: "needs \(count) indices, got \(indices.count)")
        }
        if let bad = indices.first(where: { $0 < 0 || $0 >= bound }) {
            throw TensorError.indexOutOfRange(operation: operation, index: bad, count: bound)
        }
    }
}

extension Variable {
    /// Elements at flat positions `indices`, shaped `shape`; the pullback scatter-adds.
    public func gatherElements(_ indices: [Int], shape outputShape: [Int]) throws -> Variable {
        let inputShape = shape
        let y = try value.gatherElements(indices, shape: outputShape)
        return try Variable.record(y, inputs: [self], operation: "gatherElements", retaining: .nothing,
                                   tangent: { t in try t[0].map { try $0.gatherElements(indices, shape: outputShape) } },
                                   pullback: { g, _, _ in [try g.scatterAddElements(indices, shape: inputShape)] },
                                   forward: ForwardKernel { p, out in
                                       for (k, i) in indices.enumerated() { out[k] = p[0][i] }
                                   })
    }

    /// The adjoint of `gatherElements`: element `k` is added at flat position `indices[k]` of a zero tensor of `shape`.
    public func scatterAddElements(_ indices: [Int], shape outputShape: [Int]) throws -> Variable {
        let inputShape = shape
        let y = try value.scatterAddElements(indices, shape: outputShape)
        let total = y.count
        return try Variable.record(y, inputs: [self], operation: "scatterAddElements", retaining: .nothing,
                                   tangent: { t in try t[0].map { try $0.scatterAddElements(indices, shape: outputShape) } },
                                   pullback: { g, _, _ in [try g.gatherElements(indices, shape: inputShape)] },
                                   forward: ForwardKernel { p, out in
                                       out.update(repeating: 0, count: total)
                                       for (k, i) in indices.enumerated() { out[i] += p[0][k] }
                                   })
    }
}
