// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A scalar loss of a model's parameter tensors (in `ParameterList` order), written with
/// variable operations so that it can be differentiated twice: `θ ↦ L(θ)`.
public typealias ParameterLoss = ([Variable]) throws -> Variable

/// The parameter tensors `θ = (θ₁, …, θ_p)` of a model as one flat vector
/// `θ ∈ ℝⁿ`, `n = Σ_k |θ_k|`: each tensor's elements in row-major order, tensor after tensor.
/// Hessians and their eigenvectors live in this flat space.
public struct ParameterVector: Sendable, Equatable {
    /// The shape of each tensor, in order.
    public let shapes: [[Int]]
    /// `n`.
    public let count: Int

    /// The layout of tensors of the given shapes.
    /// - Throws: `AnalysisError.invalidArgument` for a negative dimension.
    public init(shapes: [[Int]]) throws {
        var total = 0
        for shape in shapes {
            guard shape.allSatisfy({ $0 >= 0 }) else {
                throw AnalysisError.invalidArgument(name: "shapes", value: "\(shape)", reason: "dimensions must be ≥ 0")
            }
            total += shape.reduce(1, *)
        }
        self.shapes = shapes
        self.count = total
    }

    /// The layout of the given tensors.
    public init(like tensors: [Tensor]) {
        shapes = tensors.map(\.shape)
        count = tensors.reduce(0) { $0 + $1.count }
    }

    /// `θ` flattened.
    public func flatten(_ tensors: [Tensor]) throws -> Tensor {
        guard tensors.map(\.shape) == shapes else {
            throw AnalysisError.shapeMismatch(what: "parameter tensors", expected: shapes.map { $0.reduce(1, *) },
                                              got: tensors.map(\.count))
        }
        var flat: [Double] = []
        flat.reserveCapacity(count)
        for t in tensors { flat.append(contentsOf: t.scalars) }
        return Tensor(flat)
    }

    /// The tensors of a flat vector `[n]`.
    public func unflatten(_ flat: Tensor) throws -> [Tensor] {
        guard flat.count == count else { throw AnalysisError.shapeMismatch(what: "a flat parameter vector", expected: [count], got: flat.shape) }
        var offset = 0
        return try shapes.map { shape in
            let size = shape.reduce(1, *)
            defer { offset += size }
            return try Tensor(shape: shape, scalars: Array(flat.scalars[offset..<(offset + size)]))
        }
    }

    /// The tensors of a flat variable `[n]`, differentiably (slices and reshapes, whose
    /// pullbacks scatter back into the flat vector).
    public func unflatten(_ flat: Variable) throws -> [Variable] {
        guard flat.shape == [count] else { throw AnalysisError.shapeMismatch(what: "a flat parameter vector", expected: [count], got: flat.shape) }
        var offset = 0
        return try shapes.map { shape in
            let size = shape.reduce(1, *)
            defer { offset += size }
            return try flat.slice(offset..<(offset + size)).reshaped(to: shape)
        }
    }
}
