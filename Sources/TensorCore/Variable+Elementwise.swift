// SPDX-License-Identifier: GPL-3.0-or-later
import CKernels

/// Elementwise functions of variables, with their derivatives:
///
///     tanh:     y' = 1 − y²              exp:   y' = y
///     log:      y' = 1/x                 sqrt:  y' = 1/(2y)
///     abs:      y' = sign(x)             square: y' = 2x
///     relu:     y' = [x > 0]             pow p: y' = p·x^(p−1)
///     sigmoid:  y' = y(1 − y)            softplus: y' = sigmoid(x)
/// Forward mode multiplies the tangent by y', reverse mode the cotangent.
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

    public func relu() throws -> Variable {
        let mask = value.positiveMask()
        return try Variable.record(value.relu(), inputs: [self], operation: "relu", retaining: .nothing,
                                   tangent: { t in try t[0].map { try $0 * mask } },
                                   pullback: { g, _, _ in [try g * Variable(mask)] },
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
}
