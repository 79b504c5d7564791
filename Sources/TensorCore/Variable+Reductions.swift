// SPDX-License-Identifier: GPL-3.0-or-later

/// Reductions and broadcasting of variables. A sum's pullback broadcasts the
/// cotangent back; a broadcast's pullback sums it; max/min route the
/// cotangent to the extreme entries (shared equally among ties).
extension Variable {
    /// Sum along `axes`.
    public func sum(alongAxes axes: [Int], keepingDimensions keep: Bool = false) throws -> Variable {
        let inputShape = shape
        let reduced = Set(try axes.map { try Tensor.normalizedAxis($0, rank: rank, operation: "sum(alongAxes:)") })
        let keptShape = inputShape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        return try Variable.record(try value.sum(alongAxes: axes, keepingDimensions: keep), inputs: [self],
                                   operation: "sum(alongAxes:)", retaining: .nothing,
                                   tangent: { t in try t[0].map { try $0.sum(alongAxes: axes, keepingDimensions: keep) } },
                                   pullback: { g, _, _ in [try g.reshaped(to: keptShape).broadcast(to: inputShape)] },
                                   forward: inputShape.count == 2 && reduced == [0]
                                       ? ForwardKernel { [rows = inputShape[0], columns = inputShape[1]] p, out in
                                           Tensor.columnSums(p[0], rows: rows, columns: columns, into: out)
                                       }
                                       : .recomputing([inputShape], outputCount: keptShape.reduce(1, *)) {
                                           try $0[0].sum(alongAxes: axes, keepingDimensions: keep)
                                       })
    }

    /// Sum of all elements, as a rank-0 variable.
    public func sum() throws -> Variable {
        try sum(alongAxes: Array(0..<rank))
    }

    /// Mean along `axes`.
    public func mean(alongAxes axes: [Int], keepingDimensions keep: Bool = false) throws -> Variable {
        let s = try sum(alongAxes: axes, keepingDimensions: keep)
        return try s.scaled(by: Double(s.value.count) / Double(Swift.max(value.count, 1)))
    }

    /// Mean of all elements, as a rank-0 variable.
    public func mean() throws -> Variable { try sum().scaled(by: 1 / Double(Swift.max(value.count, 1))) }

    /// Maximum along `axes`; ties share the derivative equally.
    public func max(alongAxes axes: [Int], keepingDimensions keep: Bool = false) throws -> Variable {
        try extreme(alongAxes: axes, keep: keep, operation: "max") { try $0.max(alongAxes: $1, keepingDimensions: true) }
    }

    /// Minimum along `axes`; ties share the derivative equally.
    public func min(alongAxes axes: [Int], keepingDimensions keep: Bool = false) throws -> Variable {
        try extreme(alongAxes: axes, keep: keep, operation: "min") { try $0.min(alongAxes: $1, keepingDimensions: true) }
    }

    private func extreme(alongAxes axes: [Int], keep: Bool, operation: String,
                         _ reduce: (Tensor, [Int]) throws -> Tensor) throws -> Variable {
        let kept = try reduce(value, axes)
        let hits = try Tensor.broadcastCombine(value, kept, operation: operation) { $0 == $1 ? 1 : 0 }
        let ties = try hits.sum(alongAxes: axes, keepingDimensions: true)
        let weights = try hits / ties  // each extreme entry gets 1/(number of ties)
        let inputShape = shape
        let result = keep ? kept : try kept.reshaped(to: try value.sum(alongAxes: axes).shape)
        return try Variable.record(result, inputs: [self], operation: operation, retaining: .nothing,
                                   tangent: { t in
                                       try t[0].map { try ($0 * weights).sum(alongAxes: axes, keepingDimensions: keep) }
                                   },
                                   pullback: { g, _, _ in
                                       [try g.reshaped(to: kept.shape).broadcast(to: inputShape) * Variable(weights)]
                                   })
    }

    /// Broadcast to `shape` (NumPy rules); the pullback sums back.
    public func broadcast(to shape: [Int]) throws -> Variable {
        if shape == self.shape { return self }
        let inputShape = self.shape
        return try Variable.record(try value.broadcast(to: shape), inputs: [self], operation: "broadcast(to:)", retaining: .nothing,
                                   tangent: { t in try t[0].map { try $0.broadcast(to: shape) } },
                                   pullback: { g, _, _ in [try g.sum(toShape: inputShape)] },
                                   forward: .recomputing([inputShape], outputCount: shape.reduce(1, *)) { try $0[0].broadcast(to: shape) })
    }

    /// Sum down to `shape` (the reverse of broadcasting); the pullback broadcasts.
    public func sum(toShape shape: [Int]) throws -> Variable {
        if shape == self.shape { return self }
        let inputShape = self.shape
        return try Variable.record(try value.sum(toShape: shape), inputs: [self], operation: "sum(toShape:)", retaining: .nothing,
                                   tangent: { t in try t[0].map { try $0.sum(toShape: shape) } },
                                   pullback: { g, _, _ in [try g.broadcast(to: inputShape)] },
                                   forward: .recomputing([inputShape], outputCount: shape.reduce(1, *)) { try $0[0].sum(toShape: shape) })
    }

    /// `log Σ exp(x)` along `axis`, stabilised by the (constant) maximum:
    /// `m + log Σ exp(x − m)`. Its gradient is the softmax along `axis`.
    public func logSumExp(alongAxis axis: Int, keepingDimensions keep: Bool = false) throws -> Variable {
        var m = try value.max(alongAxes: [axis], keepingDimensions: true)
        m = m.map { $0.isFinite ? $0 : 0 }
        let shifted = try self - Variable(m)
        let lse = try shifted.exp().sum(alongAxes: [axis], keepingDimensions: true).log() + Variable(m)
        return keep ? lse : try lse.reshaped(to: try value.sum(alongAxes: [axis]).shape)
    }

    /// Euclidean norm of all elements, `√Σ x²` (rank 0).
    public func l2Norm() throws -> Variable { try square().sum().sqrt() }
}
