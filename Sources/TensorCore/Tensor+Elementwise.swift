// SPDX-License-Identifier: GPL-3.0-or-later
import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementwise functions. `tanh` and `exp` run through vectorised C kernels
/// (a few ulp from libm, several times faster); the rest use libm.
///
/// Outside a function's real domain the result is IEEE 754's, not an error:
/// `log(0) = −∞`, `log(x < 0) = NaN`, `log1p(−1) = −∞`, `sqrt(x < 0) = NaN`,
/// `tan` near π/2 + kπ huge, `pow(x < 0, p)` NaN unless `p` is an integer.
/// Checking every element would cost a pass per operation in the solvers' hot
/// loop; instead the consumers that need finite values check once (the own ODE
/// solvers throw `ContinuousDepthError.nonFinite(time:)`, the GSL bridge a
/// non-finite-value error, training stops on a NaN loss).
extension Tensor {
    public func tanh() -> Tensor { applying(.tanh) }
    public func exp() -> Tensor { applying(.exp) }
    /// Natural logarithm; `−∞` at 0, NaN below.
    public func log() -> Tensor { applying(.log) }
    /// Square root; NaN below 0.
    public func sqrt() -> Tensor { applying(.sqrt) }
    public func sin() -> Tensor { applying(.sin) }
    public func cos() -> Tensor { applying(.cos) }
    /// Tangent; unbounded near π/2 + kπ.
    public func tan() -> Tensor { applying(.tan) }
    /// log(1 + x), accurate where |x| is small (x = 1e-10 gives 1e-10, not the
    /// 1.00000008e-10 of `log(1 + x)`); `−∞` at −1, NaN below.
    public func log1p() -> Tensor { applying(.log1p) }
    /// eˣ − 1, accurate where |x| is small.
    public func expm1() -> Tensor { applying(.expm1) }
    public func abs() -> Tensor { applying(.abs) }
    public func square() -> Tensor { applying(.square) }
    /// max(x, 0); NaN stays NaN.
    public func relu() -> Tensor { applying(.relu) }
    /// log(1 + eˣ), computed as max(x, 0) + log1p(e^−|x|) so that it neither overflows nor loses precision.
    public func softplus() -> Tensor { applying(.softplus) }
    /// 1 / (1 + e^−x), evaluated without overflow for either sign.
    public func sigmoid() -> Tensor { applying(.sigmoid) }
    /// xᵖ elementwise. For a non-integer `p`, only `x ≥ 0` is in the domain
    /// (NaN below); an integer `p` accepts every `x`.
    public func pow(_ p: Double) -> Tensor { p == 1 ? self : applying(.power(p)) }

    /// `xᵉ` elementwise with a tensor exponent, broadcasting `x` and `e` as the
    /// arithmetic operators do. Domain: `x > 0` for any exponent, `x = 0` for
    /// `e > 0`, `x < 0` only where `e` is an integer (NaN otherwise).
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not broadcast.
    public func pow(_ exponent: Tensor) throws -> Tensor {
        let plan = try BroadcastPlan(shape, exponent.shape, operation: "pow")
        return Tensor.build(shape: plan.shape, count: plan.count) { out in
            guard let output = out.baseAddress else { return }
            scalars.withUnsafeBufferPointer { pa in
                exponent.scalars.withUnsafeBufferPointer { pb in
                    guard let base = pa.baseAddress, let power = pb.baseAddress else { return }
                    applyPower(plan, base: base, exponent: power, output: output)
                }
            }
        }
    }
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

    /// `ḡ ⊙ [y > 0]`: the pullback of relu from its output `y`, fused into one pass.
    public static func reluBackward(output y: Tensor, cotangent g: Tensor) throws -> Tensor {
        guard y.shape == g.shape else { throw TensorError.shapeMismatch(operation: "reluBackward", lhs: y.shape, rhs: g.shape) }
        return Tensor.build(shape: y.shape, count: y.count) { out in
            y.scalars.withUnsafeBufferPointer { py in
                g.scalars.withUnsafeBufferPointer { pg in resode_relu_backward(py.baseAddress, pg.baseAddress, out.baseAddress, y.count) }
            }
        }
    }

    /// Whether every element is finite (no NaN or ±∞): the one finiteness check of a tensor.
    ///
    /// `x·0` is `±0` for finite `x` and NaN otherwise, so one vectorisable sum
    /// answers the question without a branch per element (the solvers ask it
    /// for every stage).
    public var isFinite: Bool {
        withUnsafeBufferPointer { p in
            var sum = 0.0
            for x in p { sum += x * 0 }
            return sum == 0
        }
    }
}
