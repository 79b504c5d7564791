// SPDX-License-Identifier: GPL-3.0-or-later
import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The scalar functions that tensors apply elementwise, written once: a
/// `Tensor` method and the replay of a traced operation run the same loop.
/// `tanh` and `exp` go through ResODE's vectorised C kernels (a few ulp from
/// libm, several times faster); the others through libm, so that domain errors
/// follow IEEE 754 as libm reports them (`log` of a negative number is NaN, of
/// zero −∞; `sqrt` of a negative number NaN).
enum ElementwiseFunction: Sendable, Equatable {
    case tanh, exp, log, sqrt, abs, square, relu, softplus, sigmoid, sign, positiveMask
    case sin, cos, tan
    /// log(1 + x), accurate for small |x|.
    case log1p
    /// eˣ − 1, accurate for small |x|.
    case expm1
    /// xᵖ.
    case power(Double)
    /// c·x.
    case scale(Double)
    /// x + c.
    case shift(Double)
    /// c − x.
    case subtractedFrom(Double)
    /// c / x.
    case divides(Double)

    /// `output[i] = f(input[i])` for `i < count`; `output` must not overlap `input`
    /// except exactly (in place).
    func apply(_ input: UnsafePointer<Double>, _ output: UnsafeMutablePointer<Double>, count n: Int) {
        switch self {
        case .tanh: resode_vtanh(input, output, n)
        case .exp: resode_vexp(input, output, n)
        case .log: for i in 0..<n { output[i] = Glibc.log(input[i]) }
        case .sqrt: for i in 0..<n { output[i] = input[i].squareRoot() }
        case .abs: for i in 0..<n { output[i] = Swift.abs(input[i]) }
        case .square: for i in 0..<n { output[i] = input[i] * input[i] }
        case .relu: resode_relu(input, output, n)  // max(x, 0); NaN stays NaN
        case .softplus:
            // log(1 + eˣ) as max(x, 0) + log1p(e^−|x|): neither overflows nor loses precision.
            for i in 0..<n { let x = input[i]; output[i] = Swift.max(x, 0) + Glibc.log1p(Glibc.exp(-Swift.abs(x))) }
        case .sigmoid:
            // 1 / (1 + e^−x) without overflow for either sign.
            for i in 0..<n {
                let x = input[i]
                if x >= 0 {
                    output[i] = 1 / (1 + Glibc.exp(-x))
                } else {
                    let e = Glibc.exp(x)
                    output[i] = e / (1 + e)
                }
            }
        case .sin: for i in 0..<n { output[i] = Glibc.sin(input[i]) }
        case .cos: for i in 0..<n { output[i] = Glibc.cos(input[i]) }
        case .tan: for i in 0..<n { output[i] = Glibc.tan(input[i]) }
        case .log1p: for i in 0..<n { output[i] = Glibc.log1p(input[i]) }
        case .expm1: for i in 0..<n { output[i] = Glibc.expm1(input[i]) }
        case .sign: for i in 0..<n { let x = input[i]; output[i] = x > 0 ? 1 : (x < 0 ? -1 : 0) }
        case .positiveMask: for i in 0..<n { output[i] = input[i] > 0 ? 1 : 0 }
        case .power(let p):
            if p == 2 {
                for i in 0..<n { output[i] = input[i] * input[i] }
            } else if p == 1 {
                for i in 0..<n { output[i] = input[i] }
            } else {
                for i in 0..<n { output[i] = Glibc.pow(input[i], p) }
            }
        case .scale(let c): for i in 0..<n { output[i] = c * input[i] }
        case .shift(let c): for i in 0..<n { output[i] = input[i] + c }
        case .subtractedFrom(let c): for i in 0..<n { output[i] = c - input[i] }
        case .divides(let c): for i in 0..<n { output[i] = c / input[i] }
        }
    }
}

extension Tensor {
    /// `f` applied to every element.
    func applying(_ f: ElementwiseFunction) -> Tensor {
        Tensor.build(shape: shape, count: count) { out in
            scalars.withUnsafeBufferPointer { p in
                guard let input = p.baseAddress, let output = out.baseAddress else { return }
                f.apply(input, output, count: count)
            }
        }
    }
}

/// `base[i]^exponent[i]` under broadcasting: the one loop behind `Tensor.pow(_:)`
/// with a tensor exponent and its replay (libm's `pow`, IEEE 754 domain: NaN for
/// a negative base and a non-integer exponent).
func applyPower(_ plan: BroadcastPlan, base: UnsafePointer<Double>, exponent: UnsafePointer<Double>,
                output: UnsafeMutablePointer<Double>) {
    plan.apply(base, exponent, output) { Glibc.pow($0, $1) }
}
