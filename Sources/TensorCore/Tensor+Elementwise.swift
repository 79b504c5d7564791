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
    public func tanh() -> Tensor { applying(.tanh) }
    public func exp() -> Tensor { applying(.exp) }
    public func log() -> Tensor { applying(.log) }
    public func sqrt() -> Tensor { applying(.sqrt) }
    public func abs() -> Tensor { applying(.abs) }
    public func square() -> Tensor { applying(.square) }
    /// max(x, 0); NaN stays NaN.
    public func relu() -> Tensor { applying(.relu) }
    /// log(1 + eˣ), computed as max(x, 0) + log1p(e^−|x|) so that it neither overflows nor loses precision.
    public func softplus() -> Tensor { applying(.softplus) }
    /// 1 / (1 + e^−x), evaluated without overflow for either sign.
    public func sigmoid() -> Tensor { applying(.sigmoid) }
    /// xᵖ elementwise.
    public func pow(_ p: Double) -> Tensor { p == 1 ? self : applying(.power(p)) }
    /// sign(x) ∈ {−1, 0, 1}.
    public func sign() -> Tensor { applying(.sign) }
    /// 1 where x > 0, else 0: the derivative of ReLU (taken as 0 at 0).
    public func positiveMask() -> Tensor { applying(.positiveMask) }

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
