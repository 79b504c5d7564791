// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore

/// A vector field `f(x, t; θ)` acting row by row on a batch of states
/// `x [batch, d]`, built from core tensor operations so that the autodiff gives
/// its exact vector–Jacobian and Jacobian–vector products.
///
/// The batch is one flat ODE system of dimension `batch·d`; rows do not
/// interact, so `∂f/∂x` is block diagonal with one `d × d` block per row.
public protocol VectorField: Sendable {
    /// The state width `d`.
    var dimension: Int { get }
    /// The named parameters `θ` (may be empty).
    var parameters: ParameterList { get }
    /// `f(x, t; θ)` with `θ` given as variables in `parameters.names` order.
    func callAsFunction(_ x: Variable, time t: Double, parameters theta: [Variable]) throws -> Variable
}

extension VectorField {
    /// `f(x, t; θ)` with the field's own parameters, on plain tensors.
    public func evaluate(_ x: Tensor, time t: Double) throws -> Tensor {
        try self(Variable(x), time: t, parameters: parameters.values.map { Variable($0) }).value
    }
}

/// The field of a residual block used as a neural ODE: `f(x, t) = F(x, t)` for an
/// `MLPField` `F` with parameters `f.linear1.weight`, …, as in the `resode eval` contract.
/// With tied weights, a residual network is `L` Euler steps of this field.
public struct NeuralVectorField: VectorField {
    public let field: MLPField
    public var parameters: ParameterList
    public var dimension: Int { field.dimension }

    /// A field with PyTorch-default initial weights from `seed`.
    public init(field: MLPField, seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        self.field = field
        self.parameters = try ParameterList(names: field.parameterNames(prefix: "f."),
                                            values: field.initialParameters(using: &generator))
    }

    /// A field with given weights `[W₁, b₁, W₂, b₂]`.
    /// - Throws: `TensorError.shapeMismatch` naming the parameter whose shape is wrong.
    public init(field: MLPField, weights: [Tensor]) throws {
        self.field = field
        let names = field.parameterNames(prefix: "f.")
        guard weights.count == 4 else {
            throw TensorError.invalidArgument(operation: "NeuralVectorField", reason: "needs 4 weight tensors, got \(weights.count)")
        }
        for (k, (w, shape)) in zip(weights, field.parameterShapes).enumerated() where w.shape != shape {
            throw TensorError.shapeMismatch(operation: "parameter '\(names[k])'", lhs: shape, rhs: w.shape)
        }
        self.parameters = try ParameterList(names: names, values: weights)
    }

    public func callAsFunction(_ x: Variable, time t: Double, parameters theta: [Variable]) throws -> Variable {
        try field(x, time: t, parameters: theta[...])
    }
}

/// A vector field given by a closure over variables (for reference problems and tests).
///
/// The closure may capture variables, which are not thread-safe: use one
/// `ClosureVectorField` from one thread at a time (hence `@unchecked Sendable`).
public struct ClosureVectorField: VectorField, @unchecked Sendable {
    public let dimension: Int
    public var parameters: ParameterList
    let body: (Variable, Double, [Variable]) throws -> Variable

    public init(dimension: Int, parameters: ParameterList = ParameterList(),
                _ body: @escaping (Variable, Double, [Variable]) throws -> Variable) {
        self.dimension = dimension
        self.parameters = parameters
        self.body = body
    }

    public func callAsFunction(_ x: Variable, time t: Double, parameters theta: [Variable]) throws -> Variable {
        try body(x, t, theta)
    }
}
