// SPDX-License-Identifier: GPL-3.0-or-later

/// How two operands combine elementwise under NumPy broadcasting, decided once
/// per pair of shapes so that the same plan serves a tensor operation and its
/// replay in a `TracedFunction`:
///
///     out[i] = op(a[ia(i)], b[ib(i)])   over the broadcast shape, row-major
///
/// The common layouts (equal shapes, a scalar operand, an operand that repeats
/// as a contiguous trailing block such as a bias row) get their own loops; any
/// other pair walks the result with a multi-index and stride 0 on broadcast axes.
struct BroadcastPlan: Sendable {
    enum Layout: Sendable {
        case sameShape
        case scalarRight
        case scalarLeft
        /// `b` repeats every `block` elements of `a`.
        case trailingRight(block: Int)
        /// `a` repeats every `block` elements of `b`.
        case trailingLeft(block: Int)
        case general(stridesA: [Int], stridesB: [Int])
    }

    /// The broadcast shape of the result and its element count.
    let shape: [Int]
    let count: Int
    let layout: Layout

    /// - Throws: `TensorError.shapeMismatch` naming both shapes when they do not broadcast.
    init(_ a: [Int], _ b: [Int], operation: String) throws {
        if a == b {
            shape = a
            count = a.reduce(1, *)
            layout = .sameShape
            return
        }
        shape = try Broadcasting.shape(a, b, operation: operation)
        count = shape.reduce(1, *)
        let countA = a.reduce(1, *), countB = b.reduce(1, *)
        if countB == 1 && shape == a {
            layout = .scalarRight
        } else if countA == 1 && shape == b {
            layout = .scalarLeft
        } else if shape == a && countB > 0 && Broadcasting.isTrailingBlock(b, of: a) {
            layout = .trailingRight(block: countB)
        } else if shape == b && countA > 0 && Broadcasting.isTrailingBlock(a, of: b) {
            layout = .trailingLeft(block: countA)
        } else {
            layout = .general(stridesA: Broadcasting.strides(of: a, in: shape),
                              stridesB: Broadcasting.strides(of: b, in: shape))
        }
    }

    /// Writes all `count` elements of `op(a, b)` into `out`.
    @inline(__always)
    func apply(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>,
               _ op: (Double, Double) -> Double) {
        let n = count
        switch layout {
        case .sameShape:
            for i in 0..<n { out[i] = op(a[i], b[i]) }
        case .scalarRight:
            let s = b[0]
            for i in 0..<n { out[i] = op(a[i], s) }
        case .scalarLeft:
            let s = a[0]
            for i in 0..<n { out[i] = op(s, b[i]) }
        case .trailingRight(let m):
            var base = 0
            while base < n {
                for j in 0..<m { out[base + j] = op(a[base + j], b[j]) }
                base += m
            }
        case .trailingLeft(let m):
            var base = 0
            while base < n {
                for j in 0..<m { out[base + j] = op(a[j], b[base + j]) }
                base += m
            }
        case .general(let sa, let sb):
            guard n > 0 else { return }
            let rank = shape.count
            var index = Array(repeating: 0, count: rank)
            var ia = 0, ib = 0
            for k in 0..<n {
                out[k] = op(a[ia], b[ib])
                var d = rank - 1
                while d >= 0 {
                    index[d] += 1
                    ia += sa[d]; ib += sb[d]
                    if index[d] < shape[d] { break }
                    ia -= sa[d] * shape[d]; ib -= sb[d] * shape[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }
}
