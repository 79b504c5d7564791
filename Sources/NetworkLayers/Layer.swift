// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Whether a layer runs as in a training step or as in evaluation: batch
/// normalisation uses the batch's statistics (and folds them into its running
/// averages) in training, its running averages in evaluation; dropout is active
/// in training only.
public enum LayerMode: Sendable, Equatable {
    case training
    case evaluation
}

/// A differentiable map `x ↦ f(x; θ)` with named parameters θ, the building
/// block of user-defined networks: convolutions, normalisations, activations,
/// closures, sequences of layers and residual blocks `x + h·F(x)` are layers,
/// and any composition of layers is one.
///
/// Parameters carry their full names (PyTorch's `state_dict` keys such as
/// `layer1.0.conv1.weight`); `apply` receives them as variables in the order of
/// `parameters`, so that a network is differentiated with respect to all of them at once.
public protocol Layer: Sendable {
    /// The trainable parameters, in the order `apply` expects them.
    var parameters: ParameterList { get }
    /// Non-trainable state saved with the weights (running statistics), by full name.
    var buffers: [(name: String, value: Tensor)] { get }
    /// The output for `x`, with this layer's parameters as variables (`parameters.count` of them).
    func apply(_ x: Variable, parameters: ArraySlice<Variable>, mode: LayerMode) throws -> Variable
    /// Replaces the buffers named in `values` (missing names are left as they are).
    /// - Throws: `TensorError.shapeMismatch` naming a buffer of the wrong shape.
    func loadBuffers(_ values: [String: Tensor]) throws
}

extension Layer {
    public var buffers: [(name: String, value: Tensor)] { [] }
    public func loadBuffers(_ values: [String: Tensor]) throws {}

    /// The output with the layer's own parameter values (no differentiation).
    public func callAsFunction(_ x: Tensor, mode: LayerMode = .evaluation) throws -> Tensor {
        try apply(Variable(x), parameters: ArraySlice(parameters.values.map { Variable($0) }), mode: mode).value
    }

    /// Checks that `apply` got as many parameters as the layer has.
    func checkParameterCount(_ p: ArraySlice<Variable>, operation: String) throws {
        guard p.count == parameters.count else {
            throw TensorError.invalidArgument(operation: operation, reason: "\(p.count) parameters for \(parameters.count)")
        }
    }
}
