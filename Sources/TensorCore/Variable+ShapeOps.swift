// SPDX-License-Identifier: GPL-3.0-or-later

/// Shape operations on variables. Each is linear, so its tangent rule is the
/// operation itself and its pullback is the adjoint operation:
/// reshape ↔ reshape back, permute ↔ inverse permute, slice ↔ zero padding,
/// concatenate ↔ slices, gather rows ↔ scatter-add rows.
extension Variable {
    public func reshaped(to newShape: [Int]) throws -> Variable {
        let inputShape = shape
        return try Variable.record(try value.reshaped(to: newShape), inputs: [self], operation: "reshaped(to:)",
                                   retaining: .nothing,
                                   tangent: { t in try t[0].map { try $0.reshaped(to: newShape) } },
                                   pullback: { g, _, _ in [try g.reshaped(to: inputShape)] },
                                   forward: .alias(count: value.count))
    }

    public func permuted(_ axes: [Int]) throws -> Variable {
        let y = try value.permuted(axes)
        var inverse = Array(repeating: 0, count: axes.count)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return try Variable.record(y, inputs: [self], operation: "permuted", retaining: .nothing,
                                   tangent: { t in try t[0].map { try $0.permuted(axes) } },
                                   pullback: { g, _, _ in [try g.permuted(inverse)] })
    }

    /// Matrix transpose of a rank-2 variable.
    public func transposed() throws -> Variable {
        guard rank == 2 else {
            throw TensorError.invalidShape(operation: "transposed()", shape: shape, reason: "needs rank 2; use permuted(_:)")
        }
        return try permuted([1, 0])
    }

    /// The entries `range` along `axis`.
    public func slice(_ range: Range<Int>, alongAxis axis: Int = 0) throws -> Variable {
        let a = try Tensor.normalizedAxis(axis, rank: rank, operation: "slice")
        let full = shape
        return try Variable.record(try value.slice(range, alongAxis: a), inputs: [self], operation: "slice", retaining: .nothing,
                                   tangent: { t in try t[0].map { try $0.slice(range, alongAxis: a) } },
                                   pullback: { g, _, _ in
                                       var before = full; before[a] = range.lowerBound
                                       var after = full; after[a] = full[a] - range.upperBound
                                       return [try Variable.concatenate(
                                           [Variable(try Tensor.zeros(before)), g, Variable(try Tensor.zeros(after))],
                                           alongAxis: a)]
                                   },
                                   forward: ForwardKernel { [outer = full[..<a].reduce(1, *), inner = full[(a + 1)...].reduce(1, *),
                                                             length = full[a]] p, out in
                                       Tensor.slice(p[0], into: out, outer: outer, length: length, range: range, inner: inner)
                                   })
    }

    /// Variables joined along an existing axis.
    public static func concatenate(_ parts: [Variable], alongAxis axis: Int = 0) throws -> Variable {
        let y = try Tensor.concatenate(parts.map(\.value), alongAxis: axis)
        let a = try Tensor.normalizedAxis(axis, rank: y.rank, operation: "concatenate")
        var offsets = [0]
        for p in parts { offsets.append((offsets.last ?? 0) + p.shape[a]) }
        let count = parts.count  // the pullback must not capture `parts` (tape cycle)
        return try record(y, inputs: parts, operation: "concatenate", retaining: .nothing,
                          tangent: { t in
                              try Tensor.concatenate(zip(t, parts).map { ti, p in ti ?? Tensor.zeros(like: p.value) }, alongAxis: a)
                          },
                          pullback: { g, _, _ in
                              try (0..<count).map { k in try g.slice(offsets[k]..<offsets[k + 1], alongAxis: a) }
                          },
                          forward: ForwardKernel.concatenation(blocks: parts.map { $0.shape[a...].reduce(1, *) },
                                                               outer: y.shape[..<a].reduce(1, *)))
    }

    /// Variables of one shape stacked along a new axis.
    public static func stack(_ parts: [Variable], alongAxis axis: Int = 0) throws -> Variable {
        guard let first = parts.first else { throw TensorError.invalidArgument(operation: "stack", reason: "needs at least one variable") }
        let a = try Tensor.normalizedAxis(axis, rank: first.rank + 1, operation: "stack")
        var expanded = first.shape
        expanded.insert(1, at: a)
        let reshaped = try parts.map { p -> Variable in
            guard p.shape == first.shape else { throw TensorError.shapeMismatch(operation: "stack", lhs: first.shape, rhs: p.shape) }
            return try p.reshaped(to: expanded)
        }
        return try concatenate(reshaped, alongAxis: a)
    }

    /// Rows picked by `indices` (repeats allowed); the pullback scatter-adds.
    public func gatherRows(_ indices: [Int]) throws -> Variable {
        let rows = shape.first ?? 0
        return try Variable.record(try value.gatherRows(indices), inputs: [self], operation: "gatherRows", retaining: .nothing,
                                   tangent: { t in try t[0].map { try $0.gatherRows(indices) } },
                                   pullback: { g, _, _ in [try g.scatterAddRows(indices, rowCount: rows)] })
    }

    /// The adjoint of `gatherRows`: row `indices[r]` of the result accumulates row `r`.
    public func scatterAddRows(_ indices: [Int], rowCount: Int) throws -> Variable {
        try Variable.record(try value.scatterAddRows(indices, rowCount: rowCount), inputs: [self],
                            operation: "scatterAddRows", retaining: .nothing,
                            tangent: { t in try t[0].map { try $0.scatterAddRows(indices, rowCount: rowCount) } },
                            pullback: { g, _, _ in [try g.gatherRows(indices)] })
    }
}
