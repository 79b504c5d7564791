// SPDX-License-Identifier: GPL-3.0-or-later

/// Differentiation entry points. Each call records `f` on a tape of its own,
/// so independent calls may run concurrently. All derivatives are exact to
/// rounding (no finite differences).

/// The value of a scalar function and its gradient with respect to every input.
/// - Throws: `AutodiffError.nonScalarOutput` when `f` returns more than one element, and whatever `f` throws.
public func valueWithGradient(at inputs: [Tensor], in f: ([Variable]) throws -> Variable) throws
    -> (value: Double, gradients: [Tensor]) {
    let tape = Tape()
    let xs = try inputs.map { try tape.variable($0) }
    let y = try f(xs)
    guard y.value.count == 1, let value = y.value.scalar else { throw AutodiffError.nonScalarOutput(shape: y.shape) }
    let grads = try tape.pullback(of: y, seed: Tensor(uncheckedShape: y.shape, scalars: [1]), to: xs)
    return (value, grads.map(\.value))
}

/// The value and gradient of a scalar function of one tensor.
public func valueWithGradient(at x: Tensor, in f: (Variable) throws -> Variable) throws -> (value: Double, gradient: Tensor) {
    let r = try valueWithGradient(at: [x]) { try f($0[0]) }
    return (r.value, r.gradients[0])
}

/// The value and both gradients of a scalar function of two tensors (for example inputs and parameters).
public func valueWithGradient(at x: Tensor, _ y: Tensor, in f: (Variable, Variable) throws -> Variable) throws
    -> (value: Double, gradients: (Tensor, Tensor)) {
    let r = try valueWithGradient(at: [x, y]) { try f($0[0], $0[1]) }
    return (r.value, (r.gradients[0], r.gradients[1]))
}

/// The gradient of a scalar function of one tensor.
public func gradient(at x: Tensor, in f: (Variable) throws -> Variable) throws -> Tensor {
    try valueWithGradient(at: x, in: f).gradient
}

/// The value of a tensor-valued function and its pullback `ū ↦ Jᵀū` (one cotangent per input).
/// The pullback may be called many times; it keeps the recorded tape alive.
public func valueWithPullback(at inputs: [Tensor], of f: ([Variable]) throws -> Variable) throws
    -> (value: Tensor, pullback: (Tensor) throws -> [Tensor]) {
    let tape = Tape()
    let xs = try inputs.map { try tape.variable($0) }
    let y = try f(xs)
    return (y.value, { seed in try tape.pullback(of: y, seed: seed, to: xs).map(\.value) })
}

/// Vector–Jacobian product `Jᵀu` of a tensor-valued function (reverse mode), with its value.
public func vectorJacobianProduct(at inputs: [Tensor], cotangent u: Tensor,
                                  of f: ([Variable]) throws -> Variable) throws -> (value: Tensor, products: [Tensor]) {
    let (value, pullback) = try valueWithPullback(at: inputs, of: f)
    return (value, try pullback(u))
}

/// The vector–Jacobian product `Jᵀū` of an `output` computed from `inputs` inside a
/// recorded computation, recorded in turn: the cotangents are variables that
/// depend on the inputs and on `seed`, so that a traced function
/// (`TracedFunction`) or a second differentiation can pass through a VJP, as the
/// continuous adjoint's right-hand side `−aᵀ ∂f/∂(x, θ)` does.
/// An `output` that is a constant gives zero cotangents.
/// - Throws: `AutodiffError.shapeMismatch` when `seed` does not have the output's
///   shape; `mixedTapes` when it belongs to another differentiation.
public func recordedPullback(of output: Variable, seed: Variable, to inputs: [Variable]) throws -> [Variable] {
    guard let tape = output.tape else {
        guard seed.shape == output.shape else {
            throw AutodiffError.shapeMismatch(what: "cotangent seed", expected: output.shape, got: seed.shape)
        }
        return inputs.map { Variable(Tensor.zeros(like: $0.value)) }
    }
    return try tape.pullback(of: output, seed: seed, to: inputs, createGraph: true)
}

/// Jacobian–vector product `J·v = Σₖ ∂f/∂xₖ · vₖ` (forward mode: tangents are
/// pushed through each operation as it runs), with the value.
public func jacobianVectorProduct(at inputs: [Tensor], tangents: [Tensor],
                                  of f: ([Variable]) throws -> Variable) throws -> (value: Tensor, product: Tensor) {
    guard inputs.count == tangents.count else {
        throw AutodiffError.argumentCount(expected: inputs.count, got: tangents.count)
    }
    let tape = Tape(carriesTangents: true)
    let xs = try zip(inputs, tangents).map { try tape.variable($0, tangent: $1) }
    let y = try f(xs)
    return (y.value, tape.tangent(of: y) ?? Tensor.zeros(like: y.value))
}

/// Hessian–vector product of a scalar function, `H·v`, exact: forward mode
/// (tangent `v`) over the recorded reverse pass. Also returns the value and gradients.
public func hessianVectorProduct(at inputs: [Tensor], directions: [Tensor],
                                 of f: ([Variable]) throws -> Variable) throws
    -> (value: Double, gradients: [Tensor], products: [Tensor]) {
    guard inputs.count == directions.count else {
        throw AutodiffError.argumentCount(expected: inputs.count, got: directions.count)
    }
    let tape = Tape(carriesTangents: true)
    let xs = try zip(inputs, directions).map { try tape.variable($0, tangent: $1) }
    let y = try f(xs)
    guard y.value.count == 1, let value = y.value.scalar else { throw AutodiffError.nonScalarOutput(shape: y.shape) }
    let grads = try tape.pullback(of: y, seed: Tensor(uncheckedShape: y.shape, scalars: [1]), to: xs, createGraph: true)
    return (value, grads.map(\.value), grads.map { tape.tangent(of: $0) ?? Tensor.zeros(like: $0.value) })
}

/// The full Jacobian `∂f/∂x` as a matrix `[f.count, x.count]`, column by column from JVPs.
public func jacobian(at x: Tensor, of f: (Variable) throws -> Variable) throws -> Tensor {
    var columns: [Tensor] = []
    var outputCount = 0
    for j in 0..<x.count {
        var e = Tensor.zeros(like: x)
        e.scalars[j] = 1
        let (value, column) = try jacobianVectorProduct(at: [x], tangents: [e]) { try f($0[0]) }
        outputCount = value.count
        columns.append(try column.reshaped(to: [value.count]))
    }
    if columns.isEmpty { return try Tensor.zeros([try f(Variable(x)).value.count, 0]) }
    return try Tensor.stack(columns, alongAxis: 1).reshaped(to: [outputCount, x.count])
}

/// The full Hessian of a scalar function as a symmetric matrix `[x.count, x.count]`, from HVPs.
public func hessian(at x: Tensor, of f: (Variable) throws -> Variable) throws -> Tensor {
    var rows: [Tensor] = []
    for j in 0..<x.count {
        var e = Tensor.zeros(like: x)
        e.scalars[j] = 1
        let r = try hessianVectorProduct(at: [x], directions: [e]) { try f($0[0]) }
        rows.append(try r.products[0].reshaped(to: [x.count]))
    }
    if rows.isEmpty { return try Tensor.zeros([0, 0]) }
    return try Tensor.stack(rows)
}
