// SPDX-License-Identifier: GPL-3.0-or-later
import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementwise functions. `tanh` and `exp` run through vectorised C kernels
/// (a few ulp from libm, several times faster); the rest use libm.
extension Tensor {
    public func tanh() -> Tensor {
        Tensor.build(shape: shape, count: count) { out in
            scalars.withUnsafeBufferPointer { resode_vtanh($0.baseAddress, out.baseAddress, count) }
        }
    }
    public func exp() -> Tensor {
        Tensor.build(shape: shape, count: count) { out in
            scalars.withUnsafeBufferPointer { resode_vexp($0.baseAddress, out.baseAddress, count) }
        }
    }
    public func log() -> Tensor { map { Glibc.log($0) } }
    public func sqrt() -> Tensor { map { $0.squareRoot() } }
    public func abs() -> Tensor { map { Swift.abs($0) } }
    public func square() -> Tensor { map { $0 * $0 } }
    /// max(x, 0); NaN stays NaN.
    public func relu() -> Tensor { map { $0 > 0 ? $0 : ($0.isNaN ? $0 : 0) } }
    /// log(1 + eˣ), computed as max(x, 0) + log1p(e^−|x|) so that it neither overflows nor loses precision.
    public func softplus() -> Tensor { map { Swift.max($0, 0) + log1p(Glibc.exp(-Swift.abs($0))) } }
    /// 1 / (1 + e^−x), evaluated without overflow for either sign.
    public func sigmoid() -> Tensor {
        map { x in
            if x >= 0 { return 1 / (1 + Glibc.exp(-x)) }
            let e = Glibc.exp(x)
            return e / (1 + e)
        }
    }
    /// xᵖ elementwise.
    public func pow(_ p: Double) -> Tensor {
        if p == 2 { return square() }
        if p == 1 { return self }
        return map { Glibc.pow($0, p) }
    }
    /// sign(x) ∈ {−1, 0, 1}.
    public func sign() -> Tensor { map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) } }
    /// 1 where x > 0, else 0: the derivative of ReLU (taken as 0 at 0).
    public func positiveMask() -> Tensor { map { $0 > 0 ? 1 : 0 } }

    /// `ḡ ⊙ (1 − y²)`: the pullback of tanh from its output `y`, fused into one pass.
    public static func tanhBackward(output y: Tensor, cotangent g: Tensor) throws -> Tensor {
        guard y.shape == g.shape else { throw TensorError.shapeMismatch(operation: "tanhBackward", lhs: y.shape, rhs: g.shape) }
        return Tensor.build(shape: y.shape, count: y.count) { out in
            y.scalars.withUnsafeBufferPointer { py in
                g.scalars.withUnsafeBufferPointer { pg in resode_tanh_backward(py.baseAddress, pg.baseAddress, out.baseAddress, y.count) }
            }
        }
    }

    /// Whether every element is finite (no NaN or ±∞).
    public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }
}
