// SPDX-License-Identifier: GPL-3.0-or-later

extension Tensor {
    /// Euclidean (Frobenius) norm `√Σ xᵢ²`, scaled internally so that it does not overflow.
    public func l2Norm() -> Double {
        let m = scalars.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
        guard m > 0, m.isFinite else { return m }
        let s = scalars.reduce(0.0) { $0 + ($1 / m) * ($1 / m) }
        return m * s.squareRoot()
    }
    /// `Σ |xᵢ|`.
    public func l1Norm() -> Double { scalars.reduce(0) { $0 + Swift.abs($1) } }
    /// `max |xᵢ|`.
    public func maxNorm() -> Double { scalars.reduce(0) { Swift.max($0, Swift.abs($1)) } }
    /// `Σ xᵢ yᵢ` of two tensors of one shape.
    public func dot(_ other: Tensor) throws -> Double {
        guard shape == other.shape else { throw TensorError.shapeMismatch(operation: "dot", lhs: shape, rhs: other.shape) }
        var s = 0.0
        for i in 0..<count { s += scalars[i] * other.scalars[i] }
        return s
    }

    /// `‖self − other‖₂ / max(‖other‖₂, tiny)`: the relative error of `self` against a reference.
    public func relativeDifference(to reference: Tensor) throws -> Double {
        let d = try self - reference
        return d.l2Norm() / Swift.max(reference.l2Norm(), .leastNormalMagnitude)
    }

    /// Whether two tensors have one shape and agree elementwise:
    /// `|aᵢ − bᵢ| ≤ absoluteTolerance + relativeTolerance · max(|aᵢ|, |bᵢ|)`.
    /// NaNs are never equal. Meant for tests.
    public func isApproximatelyEqual(to other: Tensor, relativeTolerance: Double = 1e-12,
                                     absoluteTolerance: Double = 0) -> Bool {
        guard shape == other.shape else { return false }
        for (a, b) in zip(scalars, other.scalars) {
            if a == b { continue }  // also equal infinities
            guard Swift.abs(a - b) <= absoluteTolerance + relativeTolerance * Swift.max(Swift.abs(a), Swift.abs(b)) else {
                return false
            }
        }
        return true
    }
}
