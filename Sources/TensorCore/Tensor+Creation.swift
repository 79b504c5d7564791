// SPDX-License-Identifier: GPL-3.0-or-later

extension Tensor {
    /// All zeros.
    public static func zeros(_ shape: [Int]) throws -> Tensor { try Tensor(shape: shape, repeating: 0) }
    /// All ones.
    public static func ones(_ shape: [Int]) throws -> Tensor { try Tensor(shape: shape, repeating: 1) }
    /// A zero tensor with the same shape as `other`.
    public static func zeros(like other: Tensor) -> Tensor {
        Tensor(uncheckedShape: other.shape, scalars: Array(repeating: 0, count: other.count))
    }

    /// The `n × n` identity matrix.
    public static func identity(_ n: Int) throws -> Tensor {
        var t = try zeros([n, n])
        for i in 0..<n { t.scalars[i * n + i] = 1 }
        return t
    }

    /// `[start, start + step, …]` while below `end` (above, for a negative step), as NumPy's `arange`.
    public static func range(from start: Double, to end: Double, by step: Double = 1) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError.invalidArgument(operation: "range", reason: "step must be finite and non-zero, got \(step)")
        }
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<n).map { start + Double($0) * step })
    }

    /// `count` equally spaced points from `start` to `end` inclusive, as NumPy's `linspace`.
    public static func linearlySpaced(from start: Double, to end: Double, count: Int) throws -> Tensor {
        guard count >= 0 else {
            throw TensorError.invalidArgument(operation: "linearlySpaced", reason: "count must be ≥ 0, got \(count)")
        }
        if count == 1 { return Tensor([start]) }
        let step = (end - start) / Double(count - 1)
        return Tensor((0..<count).map { $0 == count - 1 ? end : start + Double($0) * step })
    }
}
