// SPDX-License-Identifier: GPL-3.0-or-later

/// NumPy broadcasting: shapes are aligned at their last dimension; two
/// dimensions fit when they are equal or one of them is 1, and the result
/// takes the larger. Missing leading dimensions count as 1.
public enum Broadcasting {
    /// The broadcast shape of two shapes.
    /// - Throws: `TensorError.shapeMismatch` naming both shapes when they do not fit.
    public static func shape(_ a: [Int], _ b: [Int], operation: String = "broadcast") throws -> [Int] {
        if a == b { return a }
        let rank = max(a.count, b.count)
        var result = Array(repeating: 0, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard da == db || da == 1 || db == 1 else {
                throw TensorError.shapeMismatch(operation: operation, lhs: a, rhs: b)
            }
            result[i] = da == 1 ? db : da
        }
        return result
    }

    /// Strides of `shape` seen inside the broadcast shape `target`: 0 along broadcast dimensions.
    static func strides(of shape: [Int], in target: [Int]) -> [Int] {
        let own = Tensor.strides(of: shape)
        let offset = target.count - shape.count
        return (0..<target.count).map { i in
            i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
        }
    }

    /// Whether `small`, stripped of leading 1s, is a suffix of `large`:
    /// then `small` repeats contiguously, every `count(small)` elements.
    static func isTrailingBlock(_ small: [Int], of large: [Int]) -> Bool {
        let stripped = small.drop { $0 == 1 }
        guard stripped.count <= large.count else { return false }
        return Array(large.suffix(stripped.count)) == Array(stripped)
    }
}

extension Tensor {
    /// Applies `op` elementwise with NumPy broadcasting.
    @inline(__always)
    static func broadcastCombine(_ a: Tensor, _ b: Tensor, operation: String,
                                 _ op: (Double, Double) -> Double) throws -> Tensor {
        let plan = try BroadcastPlan(a.shape, b.shape, operation: operation)
        return Tensor.build(shape: plan.shape, count: plan.count) { out in
            guard let result = out.baseAddress else { return }
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    // Only an empty result has empty operands, and it returned above.
                    guard let left = pa.baseAddress, let right = pb.baseAddress else { return }
                    plan.apply(left, right, result, op)
                }
            }
        }
    }

    /// This tensor repeated to `shape` by broadcasting.
    public func broadcast(to shape: [Int]) throws -> Tensor {
        if self.shape == shape { return self }
        let target = try Broadcasting.shape(self.shape, shape, operation: "broadcast(to:)")
        guard target == shape else {
            throw TensorError.shapeMismatch(operation: "broadcast(to:)", lhs: self.shape, rhs: shape)
        }
        return try Tensor.broadcastCombine(self, Tensor.zeros(shape), operation: "broadcast(to:)") { x, _ in x }
    }

    /// Sums this tensor down to `shape`, the reverse of broadcasting to it
    /// (the pullback of a broadcast): leading dimensions are summed away, and
    /// dimensions where `shape` has 1 are summed with the dimension kept.
    public func sum(toShape shape: [Int]) throws -> Tensor {
        if self.shape == shape { return self }
        let back = try Broadcasting.shape(shape, self.shape, operation: "sum(toShape:)")
        guard back == self.shape else {
            throw TensorError.shapeMismatch(operation: "sum(toShape:)", lhs: self.shape, rhs: shape)
        }
        let m = shape.reduce(1, *)
        if Broadcasting.isTrailingBlock(shape, of: self.shape) && m > 0 {
            return Tensor.build(shape: shape, count: m) { out in
                guard let o = out.baseAddress else { return }
                o.initialize(repeating: 0, count: m)
                scalars.withUnsafeBufferPointer { p in
                    guard let base = p.baseAddress else { return }
                    var offset = 0
                    while offset < p.count {
                        let block = base + offset
                        for j in 0..<m { o[j] += block[j] }
                        offset += m
                    }
                }
            }
        }
        let offset = self.shape.count - shape.count
        var axes = Array(0..<offset)
        for (i, d) in shape.enumerated() where d == 1 && self.shape[i + offset] != 1 { axes.append(i + offset) }
        let reduced = try sum(alongAxes: axes, keepingDimensions: true)
        return try reduced.reshaped(to: shape)
    }
}
