// SPDX-License-Identifier: GPL-3.0-or-later

/// Sum of optional tangents (nil = zero), each broadcast to `shape`.
func tangentSum(_ parts: [Tensor?], shape: [Int]) throws -> Tensor? {
    var total: Tensor? = nil
    for case let part? in parts {
        let p = part.shape == shape ? part : try part.broadcast(to: shape)
        if var t = total { try t.add(p); total = t } else { total = p }
    }
    return total
}

/// Broadcasting arithmetic on variables.
///
///     y = a + b:  ȧ + ḃ,          ā = Σ ȳ,         b̄ = Σ ȳ
///     y = a − b:  ȧ − ḃ,          ā = Σ ȳ,         b̄ = −Σ ȳ
///     y = a · b:  ȧ·b + a·ḃ,      ā = Σ ȳ·b,       b̄ = Σ ȳ·a
///     y = a / b:  (ȧ − y·ḃ)/b,    ā = Σ ȳ/b,       b̄ = −Σ ȳ·y/b
/// where Σ sums over the broadcast dimensions back to the operand's shape.
extension Variable {
    public static func + (a: Variable, b: Variable) throws -> Variable {
        let y = try a.value + b.value
        return try record(y, inputs: [a, b], operation: "+", retaining: .nothing,
                          tangent: { t in try tangentSum(t, shape: y.shape) },
                          pullback: { g, _, x in [try g.sum(toShape: x[0].shape), try g.sum(toShape: x[1].shape)] },
                          forward: try arithmeticKernel(a, b, .add))
    }

    public static func - (a: Variable, b: Variable) throws -> Variable {
        let y = try a.value - b.value
        return try record(y, inputs: [a, b], operation: "-", retaining: .nothing,
                          tangent: { t in try tangentSum([t[0], t[1].map { -$0 }], shape: y.shape) },
                          pullback: { g, _, x in [try g.sum(toShape: x[0].shape), try (-g).sum(toShape: x[1].shape)] },
                          forward: try arithmeticKernel(a, b, .subtract))
    }

    public static func * (a: Variable, b: Variable) throws -> Variable {
        let y = try a.value * b.value
        return try record(y, inputs: [a, b], operation: "*", retaining: .firstTwoInputs,
                          tangent: { t in
                              try tangentSum([t[0].map { try $0 * b.value }, t[1].map { try a.value * $0 }], shape: y.shape)
                          },
                          pullback: { g, _, x in
                              [try (g * x[1]).sum(toShape: x[0].shape), try (g * x[0]).sum(toShape: x[1].shape)]
                          },
                          forward: try arithmeticKernel(a, b, .multiply))
    }

    public static func / (a: Variable, b: Variable) throws -> Variable {
        let y = try a.value / b.value
        return try record(y, inputs: [a, b], operation: "/", retaining: .secondInputAndOutput,
                          tangent: { t in
                              let num = try tangentSum([t[0], try t[1].map { try -(y * $0) }], shape: y.shape)
                              return try num.map { try $0 / b.value }
                          },
                          pullback: { g, y, x in
                              [try (g / x[1]).sum(toShape: x[0].shape), try (-(g * y) / x[1]).sum(toShape: x[1].shape)]
                          },
                          forward: try arithmeticKernel(a, b, .divide))
    }

    /// Negation: `ẏ = −ẋ`, `x̄ = −ȳ`. Throws like every recorded operation (e.g. when
    /// recording on a finished tape) rather than returning an untracked constant.
    public static prefix func - (x: Variable) throws -> Variable {
        try x.scaled(by: -1)
    }

    /// `c·x`: `ẏ = c·ẋ`, `x̄ = c·ȳ`.
    public func scaled(by c: Double) throws -> Variable {
        try Variable.record(value * c, inputs: [self], operation: "scaled", retaining: .nothing,
                            tangent: { t in t[0].map { $0 * c } },
                            pullback: { g, _, _ in [try g.scaled(by: c)] },
                            forward: .elementwise(.scale(c), count: value.count))
    }

    /// `x + c`: `ẏ = ẋ`, `x̄ = ȳ`.
    public func shifted(by c: Double) throws -> Variable {
        try Variable.record(value + c, inputs: [self], operation: "shifted", retaining: .nothing,
                            tangent: { t in t[0] },
                            pullback: { g, _, _ in [g] },
                            forward: .elementwise(.shift(c), count: value.count))
    }

    /// The replay kernel of a broadcasting operator on the operands' shapes.
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not broadcast (the forward value has failed first).
    static func arithmeticKernel(_ a: Variable, _ b: Variable, _ op: ForwardKernel.ArithmeticOperator) throws -> ForwardKernel {
        ForwardKernel.arithmetic(try BroadcastPlan(a.shape, b.shape, operation: "trace"), op)
    }

    public static func * (x: Variable, c: Double) throws -> Variable { try x.scaled(by: c) }
    public static func * (c: Double, x: Variable) throws -> Variable { try x.scaled(by: c) }
    public static func / (x: Variable, c: Double) throws -> Variable { try x.scaled(by: 1 / c) }
    public static func + (x: Variable, c: Double) throws -> Variable { try x.shifted(by: c) }
    public static func + (c: Double, x: Variable) throws -> Variable { try x.shifted(by: c) }
    public static func - (x: Variable, c: Double) throws -> Variable { try x.shifted(by: -c) }
    public static func - (c: Double, x: Variable) throws -> Variable { try (-x).shifted(by: c) }
    /// `c / x`.
    public static func / (c: Double, x: Variable) throws -> Variable { try x.pow(-1).scaled(by: c) }
}
