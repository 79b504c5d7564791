// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Layers applied one after the other, `f = f_k ∘ … ∘ f₁`; its parameters are
/// the layers' in order.
public struct SequentialLayers: Layer {
    public let layers: [any Layer]
    public let parameters: ParameterList
    private let counts: [Int]

    /// - Throws: `TensorError.invalidArgument` when two layers share a parameter name.
    public init(_ layers: [any Layer]) throws {
        var list = ParameterList()
        for layer in layers {
            for (name, value) in zip(layer.parameters.names, layer.parameters.values) { try list.append(name, value) }
        }
        self.layers = layers
        self.parameters = list
        self.counts = layers.map(\.parameters.count)
    }

    public var buffers: [(name: String, value: Tensor)] { layers.flatMap(\.buffers) }

    public func loadBuffers(_ values: [String: Tensor]) throws {
        for layer in layers { try layer.loadBuffers(values) }
    }

    public func apply(_ x: Variable, parameters p: ArraySlice<Variable>, mode: LayerMode) throws -> Variable {
        try checkParameterCount(p, operation: "SequentialLayers")
        var y = x
        var start = p.startIndex
        for (layer, count) in zip(layers, counts) {
            y = try layer.apply(y, parameters: p[start..<(start + count)], mode: mode)
            start += count
        }
        return y
    }
}

/// A parameter-free layer given by a closure, for the pieces of a user's `F`
/// that need no weights (activations, reshapes, pooling, anything written with
/// variable operations).
public struct FunctionLayer: Layer {
    public let name: String
    private let function: @Sendable (Variable, LayerMode) throws -> Variable
    public var parameters: ParameterList { ParameterList() }

    public init(_ name: String, _ function: @escaping @Sendable (Variable, LayerMode) throws -> Variable) {
        self.name = name
        self.function = function
    }

    /// An activation as a layer.
    public init(_ activation: Activation) {
        self.init(activation.rawValue) { x, _ in try activation(x) }
    }

    public func apply(_ x: Variable, parameters p: ArraySlice<Variable>, mode: LayerMode) throws -> Variable {
        try checkParameterCount(p, operation: name)
        return try function(x, mode)
    }
}

extension LinearLayer: Layer {
    public func apply(_ x: Variable, parameters p: ArraySlice<Variable>, mode: LayerMode) throws -> Variable {
        try checkParameterCount(p, operation: "LinearLayer")
        return try forward(x, parameters: Array(p))
    }
}
