// SPDX-License-Identifier: GPL-3.0-or-later

/// Elementwise arithmetic with NumPy broadcasting. Operators between two
/// tensors throw `TensorError.shapeMismatch` when the shapes do not broadcast.
extension Tensor {
    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try broadcastCombine(a, b, operation: "+") { $0 + $1 } }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try broadcastCombine(a, b, operation: "-") { $0 - $1 } }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try broadcastCombine(a, b, operation: "*") { $0 * $1 } }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try broadcastCombine(a, b, operation: "/") { $0 / $1 } }

    public static func + (a: Tensor, s: Double) -> Tensor { a.applying(.shift(s)) }
    public static func + (s: Double, a: Tensor) -> Tensor { a.applying(.shift(s)) }
    public static func - (a: Tensor, s: Double) -> Tensor { a.applying(.shift(-s)) }
    public static func - (s: Double, a: Tensor) -> Tensor { a.applying(.subtractedFrom(s)) }
    public static func * (a: Tensor, s: Double) -> Tensor { a.applying(.scale(s)) }
    public static func * (s: Double, a: Tensor) -> Tensor { a.applying(.scale(s)) }
    public static func / (a: Tensor, s: Double) -> Tensor { a.map { $0 / s } }
    public static func / (s: Double, a: Tensor) -> Tensor { a.applying(.divides(s)) }
    public static prefix func - (a: Tensor) -> Tensor { a.applying(.scale(-1)) }

    /// Applies `f` to every element.
    
    public func map(_ f: (Double) -> Double) -> Tensor {
        Tensor.build(shape: shape, count: count) { out in
            scalars.withUnsafeBufferPointer { p in for i in 0..<p.count { out[i] = f(p[i]) } }
        }
    }

    /// Combines two tensors of the same shape elementwise.
    
    public func zipMap(_ other: Tensor, operation: String = "zipMap",
                       _ f: (Double, Double) -> Double) throws -> Tensor {
        guard shape == other.shape else { throw TensorError.shapeMismatch(operation: operation, lhs: shape, rhs: other.shape) }
        return Tensor.build(shape: shape, count: count) { out in
            scalars.withUnsafeBufferPointer { p in
                other.scalars.withUnsafeBufferPointer { q in for i in 0..<p.count { out[i] = f(p[i], q[i]) } }
            }
        }
    }

    /// In place: `self += alpha · other` (same shape), the axpy of optimisers and accumulators.
    public mutating func add(_ other: Tensor, scaledBy alpha: Double = 1) throws {
        guard shape == other.shape else { throw TensorError.shapeMismatch(operation: "add(_:scaledBy:)", lhs: shape, rhs: other.shape) }
        scalars.withUnsafeMutableBufferPointer { p in
            other.scalars.withUnsafeBufferPointer { q in for i in 0..<p.count { p[i] += alpha * q[i] } }
        }
    }

    /// In place: every element multiplied by `alpha`.
    public mutating func scale(by alpha: Double) {
        scalars.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] *= alpha } }
    }
}
