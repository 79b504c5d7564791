// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// An `MLPField` `F(x) = linear2(act(linear1(x)))` as a layer, so that the MLP
/// residual networks are instances of the general `ResidualBlock`:
/// `ResidualBlock(MLPFieldLayer(…), stepSize: h)` is the explicit Euler block
/// `x + h·F(x)` of `ResidualNetwork`, and `isResidual: false` its plain twin.
/// Parameters `prefix + linear1.weight`, … (time input not supported here).
public struct MLPFieldLayer: Layer {
    public let field: MLPField
    public let parameters: ParameterList

    /// - Throws: `TensorError.invalidArgument` for a field with a time input or values of the wrong shapes.
    public init(field: MLPField, prefix: String, values: [Tensor]) throws {
        guard !field.usesTime else {
            throw TensorError.invalidArgument(operation: "MLPFieldLayer", reason: "a layer has no time; use the field directly")
        }
        for (k, (v, shape)) in zip(values, field.parameterShapes).enumerated() where v.shape != shape {
            throw TensorError.shapeMismatch(operation: "MLPFieldLayer parameter \(field.parameterNames(prefix: prefix)[k])",
                                            lhs: v.shape, rhs: shape)
        }
        self.field = field
        self.parameters = try ParameterList(names: field.parameterNames(prefix: prefix), values: values)
    }

    public func apply(_ x: Variable, parameters p: ArraySlice<Variable>, mode: LayerMode) throws -> Variable {
        try field(x, parameters: p)
    }
}
