// SPDX-License-Identifier: GPL-3.0-or-later

extension Tensor {
    /// Reduces along `axes` with `combine`, starting from `initial`.
    func reduce(alongAxes axes: [Int], keepingDimensions keep: Bool, operation: String,
                initial: Double, _ combine: (Double, Double) -> Double) throws -> Tensor {
        let normalized = Set(try axes.map { try Tensor.normalizedAxis($0, rank: rank, operation: operation) })
        let keptShape = shape.enumerated().map { normalized.contains($0.offset) ? 1 : $0.element }
        let resultShape = keep ? keptShape : shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element)
        let n = keptShape.reduce(1, *)
        var out = Array(repeating: initial, count: n)
        // Walk the input; the output index uses stride 0 along reduced axes.
        let outStrides = Broadcasting.strides(of: keptShape, in: shape)
        if count > 0 {
            scalars.withUnsafeBufferPointer { p in
                out.withUnsafeMutableBufferPointer { q in
                    var index = Array(repeating: 0, count: rank)
                    var o = 0
                    for k in 0..<count {
                        q[o] = combine(q[o], p[k])
                        var d = rank - 1
                        while d >= 0 {
                            index[d] += 1; o += outStrides[d]
                            if index[d] < shape[d] { break }
                            o -= outStrides[d] * shape[d]; index[d] = 0; d -= 1
                        }
                    }
                }
            }
        }
        return Tensor(uncheckedShape: resultShape, scalars: out)
    }

    /// Sum along `axes` (negative axes count from the end).
    public func sum(alongAxes axes: [Int], keepingDimensions keep: Bool = false) throws -> Tensor {
        if rank == 2 && !keep && (axes == [0] || axes == [-2]) {
            // Column sums (the bias gradient): one contiguous pass per row.
            let (r, c) = (shape[0], shape[1])
            return Tensor.build(shape: [c], count: c) { out in
                guard let o = out.baseAddress else { return }
                scalars.withUnsafeBufferPointer { p in Tensor.columnSums(p.baseAddress, rows: r, columns: c, into: o) }
            }
        }
        return try reduce(alongAxes: axes, keepingDimensions: keep, operation: "sum", initial: 0, +)
    }

    /// `out[j] = Σᵢ x[i·columns + j]` on raw buffers (every element of `out` written).
    static func columnSums(_ x: UnsafePointer<Double>?, rows: Int, columns: Int, into out: UnsafeMutablePointer<Double>) {
        out.update(repeating: 0, count: columns)
        guard let x else { return }
        for i in 0..<rows {
            let row = x + i * columns
            for j in 0..<columns { out[j] += row[j] }
        }
    }

    /// Mean along `axes`.
    public func mean(alongAxes axes: [Int], keepingDimensions keep: Bool = false) throws -> Tensor {
        let s = try sum(alongAxes: axes, keepingDimensions: keep)
        return s * (Double(s.count) / Double(Swift.max(count, 1)))
    }

    /// Maximum along `axes` (NaN propagates).
    public func max(alongAxes axes: [Int], keepingDimensions keep: Bool = false) throws -> Tensor {
        try reduce(alongAxes: axes, keepingDimensions: keep, operation: "max", initial: -.infinity) {
            ($0.isNaN || $1.isNaN) ? .nan : Swift.max($0, $1)
        }
    }

    /// Minimum along `axes` (NaN propagates).
    public func min(alongAxes axes: [Int], keepingDimensions keep: Bool = false) throws -> Tensor {
        try reduce(alongAxes: axes, keepingDimensions: keep, operation: "min", initial: .infinity) {
            ($0.isNaN || $1.isNaN) ? .nan : Swift.min($0, $1)
        }
    }

    /// Sum of all elements.
    public func sum() -> Double { scalars.reduce(0, +) }
    /// Mean of all elements (NaN for an empty tensor).
    public func mean() -> Double { sum() / Double(count) }
    /// Largest element (−∞ for an empty tensor; NaN propagates).
    public func max() -> Double { scalars.reduce(-.infinity) { ($0.isNaN || $1.isNaN) ? .nan : Swift.max($0, $1) } }
    /// Smallest element (+∞ for an empty tensor; NaN propagates).
    public func min() -> Double { scalars.reduce(.infinity) { ($0.isNaN || $1.isNaN) ? .nan : Swift.min($0, $1) } }

    /// Index of the largest entry of each row of a matrix (first one on ties).
    public func argmaxRows() throws -> [Int] {
        guard rank == 2 else { throw TensorError.invalidShape(operation: "argmaxRows", shape: shape, reason: "needs rank 2") }
        let c = shape[1]
        return (0..<shape[0]).map { i in
            var best = 0
            for j in 1..<Swift.max(c, 1) where scalars[i * c + j] > scalars[i * c + best] { best = j }
            return best
        }
    }
}
