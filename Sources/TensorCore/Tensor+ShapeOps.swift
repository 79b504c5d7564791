// SPDX-License-Identifier: GPL-3.0-or-later

extension Tensor {
    /// The same elements under a new shape; one dimension may be `-1` (inferred).
    public func reshaped(to newShape: [Int]) throws -> Tensor {
        var shape = newShape
        let unknown = shape.indices.filter { shape[$0] == -1 }
        guard unknown.count <= 1 else {
            throw TensorError.invalidShape(operation: "reshaped(to:)", shape: newShape, reason: "more than one -1")
        }
        if let u = unknown.first {
            let known = shape.enumerated().filter { $0.offset != u }.map(\.element)
            let product = try Tensor.elementCount(of: known, operation: "reshaped(to:)")
            guard product > 0, count % product == 0 else {
                throw TensorError.shapeMismatch(operation: "reshaped(to:)", lhs: self.shape, rhs: newShape)
            }
            shape[u] = count / product
        }
        guard try Tensor.elementCount(of: shape, operation: "reshaped(to:)") == count else {
            throw TensorError.shapeMismatch(operation: "reshaped(to:)", lhs: self.shape, rhs: newShape)
        }
        return Tensor(uncheckedShape: shape, scalars: scalars)
    }

    /// The matrix transpose of a rank-2 tensor.
    public func transposed() throws -> Tensor {
        guard rank == 2 else {
            throw TensorError.invalidShape(operation: "transposed()", shape: shape, reason: "needs rank 2; use permuted(_:)")
        }
        return try permuted([1, 0])
    }

    /// Dimensions reordered: result dimension `i` is input dimension `axes[i]`.
    public func permuted(_ axes: [Int]) throws -> Tensor {
        guard axes.count == rank, Set(axes) == Set(0..<rank) else {
            throw TensorError.invalidArgument(operation: "permuted(_:)",
                                              reason: "\(axes) is not a permutation of 0..<\(rank)")
        }
        let newShape = axes.map { shape[$0] }
        let inStrides = Tensor.strides(of: shape)
        let srcStrides = axes.map { inStrides[$0] }
        if rank == 2 {
            let (r, c) = (newShape[0], newShape[1])
            return Tensor.build(shape: newShape, count: count) { out in
                scalars.withUnsafeBufferPointer { p in
                    for i in 0..<r { for j in 0..<c { out[i * c + j] = p[i * srcStrides[0] + j * srcStrides[1]] } }
                }
            }
        }
        return Tensor.build(shape: newShape, count: count) { out in
            guard count > 0 else { return }
            scalars.withUnsafeBufferPointer { p in
                var index = Array(repeating: 0, count: rank)
                var src = 0
                for k in 0..<count {
                    out[k] = p[src]
                    var d = rank - 1
                    while d >= 0 {
                        index[d] += 1; src += srcStrides[d]
                        if index[d] < newShape[d] { break }
                        src -= srcStrides[d] * newShape[d]; index[d] = 0; d -= 1
                    }
                }
            }
        }
    }

    /// The sub-tensor `range` along `axis` (a slice, copied).
    public func slice(_ range: Range<Int>, alongAxis axis: Int = 0) throws -> Tensor {
        let a = try Tensor.normalizedAxis(axis, rank: rank, operation: "slice")
        guard range.lowerBound >= 0, range.upperBound <= shape[a] else {
            throw TensorError.indexOutOfRange(operation: "slice \(range) along axis \(a)",
                                              index: range.lowerBound < 0 ? range.lowerBound : range.upperBound,
                                              count: shape[a])
        }
        let outer = shape[..<a].reduce(1, *)
        let inner = shape[(a + 1)...].reduce(1, *)
        var newShape = shape
        newShape[a] = range.count
        let (length, start) = (shape[a], range.lowerBound)
        return Tensor.build(shape: newShape, count: outer * range.count * inner) { out in
            scalars.withUnsafeBufferPointer { p in
                guard let source = p.baseAddress, let destination = out.baseAddress else { return }
                Tensor.slice(source, into: destination, outer: outer, length: length, range: start..<(start + range.count),
                             inner: inner)
            }
        }
    }

    /// Entries `range` of the middle axis of a row-major `[outer, length, inner]`
    /// buffer, into `[outer, range.count, inner]`: one block copy per outer index.
    static func slice(_ source: UnsafePointer<Double>, into destination: UnsafeMutablePointer<Double>,
                      outer: Int, length: Int, range: Range<Int>, inner: Int) {
        let block = range.count * inner
        for o in 0..<outer {
            (destination + o * block).update(from: source + (o * length + range.lowerBound) * inner, count: block)
        }
    }

    /// Rows (entries along axis 0) picked by `indices`, in order; repeats allowed.
    public func gatherRows(_ indices: [Int]) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.invalidShape(operation: "gatherRows", shape: shape, reason: "needs rank ≥ 1") }
        let rows = shape[0]
        let inner = count / Swift.max(rows, 1)
        for i in indices where i < 0 || i >= rows { throw TensorError.indexOutOfRange(operation: "gatherRows", index: i, count: rows) }
        var newShape = shape
        newShape[0] = indices.count
        return Tensor.build(shape: newShape, count: indices.count * inner) { out in
            scalars.withUnsafeBufferPointer { p in
                for (r, i) in indices.enumerated() { for j in 0..<inner { out[r * inner + j] = p[i * inner + j] } }
            }
        }
    }

    /// The reverse of `gatherRows`: a tensor with `rowCount` rows, zero except
    /// that row `indices[r]` accumulates row `r` of `self`.
    public func scatterAddRows(_ indices: [Int], rowCount: Int) throws -> Tensor {
        guard rank >= 1, shape[0] == indices.count else {
            throw TensorError.invalidArgument(operation: "scatterAddRows",
                                              reason: "\(indices.count) indices for a tensor of shape \(shape)")
        }
        var newShape = shape
        newShape[0] = rowCount
        var out = try Tensor.zeros(newShape)
        let inner = count / Swift.max(shape[0], 1)
        for i in indices where i < 0 || i >= rowCount { throw TensorError.indexOutOfRange(operation: "scatterAddRows", index: i, count: rowCount) }
        scalars.withUnsafeBufferPointer { p in
            out.scalars.withUnsafeMutableBufferPointer { q in
                for (r, i) in indices.enumerated() { for j in 0..<inner { q[i * inner + j] += p[r * inner + j] } }
            }
        }
        return out
    }

    /// Tensors joined along an existing axis; all other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(operation: "concatenate", reason: "needs at least one tensor")
        }
        let a = try normalizedAxis(axis, rank: first.rank, operation: "concatenate")
        for t in tensors.dropFirst() {
            guard t.rank == first.rank,
                  t.shape.enumerated().allSatisfy({ $0.offset == a || $0.element == first.shape[$0.offset] }) else {
                throw TensorError.shapeMismatch(operation: "concatenate along axis \(a)", lhs: first.shape, rhs: t.shape)
            }
        }
        let outer = first.shape[..<a].reduce(1, *)
        let inner = first.shape[(a + 1)...].reduce(1, *)
        var newShape = first.shape
        newShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        var out: [Double] = []
        out.reserveCapacity(newShape.reduce(1, *))
        for o in 0..<outer {
            for t in tensors {
                let block = t.shape[a] * inner
                out.append(contentsOf: t.scalars[(o * block)..<((o + 1) * block)])
            }
        }
        return Tensor(uncheckedShape: newShape, scalars: out)
    }

    /// Tensors of one shape stacked along a new axis.
    public static func stack(_ tensors: [Tensor], alongAxis axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(operation: "stack", reason: "needs at least one tensor")
        }
        let a = try normalizedAxis(axis, rank: first.rank + 1, operation: "stack")
        var expanded = first.shape
        expanded.insert(1, at: a)
        let reshaped = try tensors.map { t -> Tensor in
            guard t.shape == first.shape else { throw TensorError.shapeMismatch(operation: "stack", lhs: first.shape, rhs: t.shape) }
            return Tensor(uncheckedShape: expanded, scalars: t.scalars)
        }
        return try concatenate(reshaped, alongAxis: a)
    }
}
