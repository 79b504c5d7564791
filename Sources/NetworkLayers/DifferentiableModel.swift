// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A map `x ↦ y` with named parameters, written with variable operations so
/// that it can be differentiated with respect to its input and every parameter.
/// Residual networks, their plain twins and neural ODE blocks all conform, so
/// training, checkpoints and analysis treat them alike.
public protocol DifferentiableModel: Sendable {
    /// The parameters, in the order `forward` expects them.
    var parameters: ParameterList { get set }
    /// The output for input `x`, with the parameters given as variables.
    func forward(_ x: Variable, parameters: [Variable]) throws -> Variable
}

extension DifferentiableModel {
    /// The output on plain tensors with the model's own parameters (no differentiation).
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try forward(Variable(x), parameters: parameters.values.map { Variable($0) }).value
    }
}
