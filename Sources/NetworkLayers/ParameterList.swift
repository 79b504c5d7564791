// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The named parameter tensors of a model, in a fixed order (as PyTorch's
/// `state_dict`): names such as `blocks.3.linear1.weight` key `.npz` files,
/// the order keys gradients and optimiser state.
public struct ParameterList: Sendable, Equatable {
    public private(set) var names: [String]
    public var values: [Tensor]
    private var positions: [String: Int]

    public init() { names = []; values = []; positions = [:] }

    /// - Throws: `TensorError.invalidArgument` on a repeated name or a count mismatch.
    public init(names: [String], values: [Tensor]) throws {
        self.init()
        guard names.count == values.count else {
            throw TensorError.invalidArgument(operation: "ParameterList", reason: "\(names.count) names for \(values.count) tensors")
        }
        for (n, v) in zip(names, values) { try append(n, v) }
    }

    /// Adds a named tensor at the end.
    public mutating func append(_ name: String, _ value: Tensor) throws {
        guard positions[name] == nil else {
            throw TensorError.invalidArgument(operation: "ParameterList", reason: "parameter '\(name)' appears twice")
        }
        positions[name] = names.count
        names.append(name)
        values.append(value)
    }

    public var count: Int { names.count }
    /// Total number of scalar parameters.
    public var scalarCount: Int { values.reduce(0) { $0 + $1.count } }
    /// The position of a named parameter.
    public func index(of name: String) -> Int? { positions[name] }
    /// The tensor of a named parameter.
    public subscript(name: String) -> Tensor? { positions[name].map { values[$0] } }

    /// The same names with new values of the same shapes (e.g. gradients or loaded weights).
    /// - Throws: `TensorError.shapeMismatch` naming the parameter whose shape differs.
    public func replacingValues(_ newValues: [Tensor]) throws -> ParameterList {
        guard newValues.count == count else {
            throw TensorError.invalidArgument(operation: "replacingValues", reason: "\(newValues.count) tensors for \(count) parameters")
        }
        for (k, v) in newValues.enumerated() where v.shape != values[k].shape {
            throw TensorError.shapeMismatch(operation: "parameter '\(names[k])'", lhs: values[k].shape, rhs: v.shape)
        }
        var copy = self
        copy.values = newValues
        return copy
    }
}
