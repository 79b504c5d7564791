// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The vector field of a residual block and of a neural ODE: a two-layer MLP
///
///     F(x, t) = act([x, t]·W₁ᵀ + b₁)·W₂ᵀ + b₂
///     W₁ [hidden, d (+1 with time input)], b₁ [hidden], W₂ [d, hidden], b₂ [d]
///
/// in PyTorch's `nn.Linear` layout. A batch of states `x [batch, d]` is mapped
/// row by row. With `usesTime`, the time `t` enters as an extra input column.
/// The same field stepped by explicit Euler is a residual block; integrated by
/// an ODE solver it is a neural ODE.
public struct MLPField: Sendable, Equatable {
    public let dimension: Int
    public let hidden: Int
    public let activation: Activation
    public let usesTime: Bool

    public init(dimension: Int, hidden: Int, activation: Activation = .tanh, usesTime: Bool = false) throws {
        guard dimension > 0, hidden > 0 else {
            throw TensorError.invalidArgument(operation: "MLPField",
                                              reason: "dimension and hidden width must be positive, got \(dimension) and \(hidden)")
        }
        self.dimension = dimension
        self.hidden = hidden
        self.activation = activation
        self.usesTime = usesTime
    }

    /// Parameter names under `prefix` (e.g. `blocks.0.` or `f.`), in order W₁, b₁, W₂, b₂.
    public func parameterNames(prefix: String) -> [String] {
        ["linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias"].map { prefix + $0 }
    }

    /// Parameter shapes, in the order of `parameterNames`.
    public var parameterShapes: [[Int]] {
        let inputs = dimension + (usesTime ? 1 : 0)
        return [[hidden, inputs], [hidden], [dimension, hidden], [dimension]]
    }

    /// PyTorch's default `nn.Linear` initialisation: weights and biases
    /// U(−1/√fan_in, 1/√fan_in), drawn in the order W₁, b₁, W₂, b₂.
    public func initialParameters(using generator: inout SeededGenerator) throws -> [Tensor] {
        let inputs = dimension + (usesTime ? 1 : 0)
        let fanIns = [inputs, inputs, hidden, hidden]
        return try zip(parameterShapes, fanIns).map { shape, fanIn in
            let k = 1 / Double(fanIn).squareRoot()
            return try Tensor.randomUniform(shape, low: -k, high: k, using: &generator)
        }
    }

    /// `F(x, t)` for a batch `x [batch, d]`, with parameters `[W₁, b₁, W₂, b₂]`.
    /// - Throws: `TensorError` when shapes do not fit.
    public func callAsFunction(_ x: Variable, time t: Double = 0, parameters p: ArraySlice<Variable>) throws -> Variable {
        let column = usesTime ? Variable(try Tensor(shape: [x.shape.first ?? 0, 1], repeating: t)) : nil
        return try evaluate(x, timeColumn: column, parameters: p)
    }

    /// `F(x, t)` with the time given as a column variable `[batch, 1]`, so that it can
    /// be differentiated in `t` (forward mode: `∂F/∂t` is the JVP with tangent 1 there).
    /// - Throws: `TensorError.invalidArgument` when the field does not use time.
    public func callAsFunction(_ x: Variable, timeColumn: Variable, parameters p: ArraySlice<Variable>) throws -> Variable {
        guard usesTime else {
            throw TensorError.invalidArgument(operation: "MLPField", reason: "this field has no time input")
        }
        return try evaluate(x, timeColumn: timeColumn, parameters: p)
    }

    /// The one place the field's expression is written.
    func evaluate(_ x: Variable, timeColumn: Variable?, parameters p: ArraySlice<Variable>) throws -> Variable {
        guard p.count == 4 else {
            throw TensorError.invalidArgument(operation: "MLPField", reason: "needs 4 parameter tensors, got \(p.count)")
        }
        let i = p.startIndex
        let input = try timeColumn.map { try Variable.concatenate([x, $0], alongAxis: 1) } ?? x
        let hiddenState = try activation(Variable.linear(input, weight: p[i], bias: p[i + 1]))
        return try Variable.linear(hiddenState, weight: p[i + 2], bias: p[i + 3])
    }
}
