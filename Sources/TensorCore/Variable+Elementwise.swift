// SPDX-License-Identifier: GPL-3.0-or-later
import CKernels

/// Elementwise functions of variables, with their derivatives:
///
///     tanh:     y' = 1 − y²              exp:    y' = y
///     log:      y' = 1/x                 sqrt:   y' = 1/(2y)
///     abs:      y' = sign(x)             square: y' = 2x
///     relu:     y' = [x > 0]             pow p:  y' = p·x^(p−1)
///     sigmoid:  y' = y(1 − y)            softplus: y' = sigmoid(x)
///     sin:      y' = cos x               cos:    y' = −sin x
///     tan:      y' = 1 + y²              log1p:  y' = 1/(1 + x)
///     expm1:    y' = y + 1 (= eˣ)
///     pow e (tensor exponent, y = xᵉ):  ∂y/∂x = e·x^(e−1),  ∂y/∂e = y·log x
/// Forward mode multiplies the tangent by y' (JVP `ẏ = y'·ẋ`), reverse mode the
/// cotangent (VJP `x̄ = y'·ȳ`). Each pullback is written with these same
/// operations, so it is differentiable again (Hessian–vector products).
/// Outside a function's domain the values and derivatives are IEEE 754's (see
/// `Tensor`'s elementwise functions): NaN or ±∞, not an error.
extension Variable {
    public func tanh() throws -> Variable {
        let y = value.tanh()
        return try Variable.record(y, inputs: [self], operation: "tanh", retaining: .output,
                                   tangent: { t in try t[0].map { try Tensor.tanhBackward(output: y, cotangent: $0) } },
                                   pullback: { g, y, _ in [try Variable.tanhBackward(output: y, cotangent: g)] },
                                   forward: .elementwise(.tanh, count: value.count))
    }

    /// `ḡ ⊙ (1 − y²)`, the pullback of tanh as one fused, differentiable operation:
    ///
    ///     d(g(1−y²)) = ġ(1−y²) − 2gy·ẏ;   ȳ = −2·c·g·y,   ḡ = c(1−y²) for a cotangent c.
    static func tanhBackward(output y: Variable, cotangent g: Variable) throws -> Variable {
        let value = try Tensor.tanhBackward(output: y.value, cotangent: g.value)
        return try record(value, inputs: [y, g], operation: "tanhBackward", retaining: .firstTwoInputs,
                          tangent: { t in
                              var parts: [Tensor?] = []
                              if let ty = t[0] { parts.append(try (y.value * g.value * ty) * -2) }
                              if let tg = t[1] { parts.append(try Tensor.tanhBackward(output: y.value, cotangent: tg)) }
                              return try tangentSum(parts, shape: value.shape)
                          },
                          pullback: { c, _, x in
                              [try (c * x[1] * x[0]).scaled(by: -2), try tanhBackward(output: x[0], cotangent: c)]
                          },
                          forward: ForwardKernel { [count = value.count] p, out in resode_tanh_backward(p[0], p[1], out, count) })
    }

    public func exp() throws -> Variable {
        let y = value.exp()
        return try Variable.record(y, inputs: [self], operation: "exp", retaining: .output,
                                   tangent: { t in try t[0].map { try $0 * y } },
                                   pullback: { g, y, _ in [try g * y] },
                                   forward: .elementwise(.exp, count: value.count))
    }

    public func log() throws -> Variable {
        try Variable.record(value.log(), inputs: [self], operation: "log", retaining: .firstInput,
                            tangent: { t in try t[0].map { try $0 / value } },
                            pullback: { g, _, x in [try g / x[0]] },
                            forward: .elementwise(.log, count: value.count))
    }

    public func sqrt() throws -> Variable {
        let y = value.sqrt()
        return try Variable.record(y, inputs: [self], operation: "sqrt", retaining: .output,
                                   tangent: { t in try t[0].map { try $0 / y * 0.5 } },
                                   pullback: { g, y, _ in [try (g / y).scaled(by: 0.5)] },
                                   forward: .elementwise(.sqrt, count: value.count))
    }

    public func abs() throws -> Variable {
        let s = value.sign()
        return try Variable.record(value.abs(), inputs: [self], operation: "abs", retaining: .nothing,
                                   tangent: { t in try t[0].map { try $0 * s } },
                                   pullback: { g, _, _ in [try g * Variable(s)] },
                                   forward: .elementwise(.abs, count: value.count))
    }

    public func square() throws -> Variable {
        try Variable.record(value.square(), inputs: [self], operation: "square", retaining: .firstInput,
                            tangent: { t in try t[0].map { try $0 * value * 2 } },
                            pullback: { g, _, x in [try (g * x[0]).scaled(by: 2)] },
                            forward: .elementwise(.square, count: value.count))
    }

    public func pow(_ p: Double) throws -> Variable {
        try Variable.record(value.pow(p), inputs: [self], operation: "pow", retaining: .firstInput,
                            tangent: { t in try t[0].map { try $0 * value.pow(p - 1) * p } },
                            pullback: { g, _, x in [try (g * x[0].pow(p - 1)).scaled(by: p)] },
                            forward: .elementwise(.power(p), count: value.count))
    }

    /// The mask `[x > 0]` is read from the output (`y > 0` exactly where `x > 0`) by one
    /// fused pass; a recorded backward pass multiplies by it as a constant (its derivative is 0).
    public func relu() throws -> Variable {
        let y = value.relu()
        return try Variable.record(y, inputs: [self], operation: "relu", retaining: .output,
                                   tangent: { t in try t[0].map { try Tensor.reluBackward(output: y, cotangent: $0) } },
                                   pullback: { g, y, _ in
                                       if g.tape?.isRecording == true { return [try g * Variable(y.value.positiveMask())] }
                                       return [Variable(try Tensor.reluBackward(output: y.value, cotangent: g.value))]
                                   },
                                   forward: .elementwise(.relu, count: value.count))
    }

    public func sigmoid() throws -> Variable {
        let y = value.sigmoid()
        return try Variable.record(y, inputs: [self], operation: "sigmoid", retaining: .output,
                                   tangent: { t in try t[0].map { try $0 * y * (1 - y) } },
                                   pullback: { g, y, _ in [try g * (y - y.square())] },
                                   forward: .elementwise(.sigmoid, count: value.count))
    }

    public func softplus() throws -> Variable {
        try Variable.record(value.softplus(), inputs: [self], operation: "softplus", retaining: .firstInput,
                            tangent: { t in try t[0].map { try $0 * value.sigmoid() } },
                            pullback: { g, _, x in [try g * x[0].sigmoid()] },
                            forward: .elementwise(.softplus, count: value.count))
    }

    /// `sin x`: `ẏ = cos x · ẋ`, `x̄ = cos x · ȳ`.
    public func sin() throws -> Variable {
        try Variable.record(value.sin(), inputs: [self], operation: "sin", retaining: .firstInput,
                            tangent: { t in try t[0].map { try $0 * value.cos() } },
                            pullback: { g, _, x in [try g * x[0].cos()] },
                            forward: .elementwise(.sin, count: value.count))
    }

    /// `cos x`: `ẏ = −sin x · ẋ`, `x̄ = −sin x · ȳ`.
    public func cos() throws -> Variable {
        try Variable.record(value.cos(), inputs: [self], operation: "cos", retaining: .firstInput,
                            tangent: { t in try t[0].map { try -($0 * value.sin()) } },
                            pullback: { g, _, x in [try -(g * x[0].sin())] },
                            forward: .elementwise(.cos, count: value.count))
    }

    /// `tan x`: `ẏ = (1 + y²)·ẋ`, `x̄ = (1 + y²)·ȳ`, from the output `y`.
    public func tan() throws -> Variable {
        let y = value.tan()
        return try Variable.record(y, inputs: [self], operation: "tan", retaining: .output,
                                   tangent: { t in try t[0].map { try $0 * (y.square() + 1) } },
                                   pullback: { g, y, _ in [try g * (y.square() + 1)] },
                                   forward: .elementwise(.tan, count: value.count))
    }

    /// `log(1 + x)`: `ẏ = ẋ/(1 + x)`, `x̄ = ȳ/(1 + x)`.
    public func log1p() throws -> Variable {
        try Variable.record(value.log1p(), inputs: [self], operation: "log1p", retaining: .firstInput,
                            tangent: { t in try t[0].map { try $0 / (value + 1) } },
                            pullback: { g, _, x in [try g / (x[0] + 1)] },
                            forward: .elementwise(.log1p, count: value.count))
    }

    /// `eˣ − 1`: `ẏ = (y + 1)·ẋ`, `x̄ = (y + 1)·ȳ`, from the output `y`.
    public func expm1() throws -> Variable {
        let y = value.expm1()
        return try Variable.record(y, inputs: [self], operation: "expm1", retaining: .output,
                                   tangent: { t in try t[0].map { try $0 * (y + 1) } },
                                   pullback: { g, y, _ in [try g * (y + 1)] },
                                   forward: .elementwise(.expm1, count: value.count))
    }

    /// `xᵉ` with a variable exponent, broadcasting `x` and `e` as `*` does:
    ///
    ///     ẏ = e·x^(e−1)·ẋ + y·log x·ė,   x̄ = Σ ȳ·e·x^(e−1),   ē = Σ ȳ·y·log x
    ///
    /// (Σ sums over broadcast dimensions). The exponent's derivative needs `x > 0`:
    /// where `x ≤ 0` it is NaN or infinite (IEEE, as `log`), and it is computed only
    /// when the exponent is tracked. With a constant exponent this is `pow(_: Double)`
    /// elementwise. Domain of the value: see `Tensor.pow(_: Tensor)`.
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not broadcast.
    public func pow(_ exponent: Variable) throws -> Variable {
        let y = try value.pow(exponent.value)
        let (x, e) = (value, exponent.value)
        let plan = try BroadcastPlan(x.shape, e.shape, operation: "pow")
        return try Variable.record(y, inputs: [self, exponent], operation: "pow(tensor)", retaining: .everything,
                                   tangent: { t in
                                       try tangentSum([try t[0].map { try $0 * e * x.pow(e - 1) },
                                                       try t[1].map { try $0 * y * x.log() }], shape: y.shape)
                                   },
                                   pullback: { g, y, inputs in
                                       let (x, e) = (inputs[0], inputs[1])
                                       let dx = x.isTracked
                                           ? try (g * e * x.pow(e - 1)).sum(toShape: x.shape) : nil
                                       let de = e.isTracked ? try (g * y * x.log()).sum(toShape: e.shape) : nil
                                       return [dx, de]
                                   },
                                   forward: ForwardKernel { p, out in applyPower(plan, base: p[0], exponent: p[1], output: out) })
    }
}
