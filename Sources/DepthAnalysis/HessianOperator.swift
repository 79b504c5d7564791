// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The Hessian `H = ∇²L(θ)` of a parameter loss at a point, as an operator on flat
/// vectors `v ∈ ℝⁿ ↦ H·v`, never formed: each product is one exact Hessian–vector
/// product (forward mode over the recorded reverse pass, TensorCore's
/// `hessianVectorProduct`), costing a few gradient evaluations.
public struct HessianOperator {
    /// The layout of `θ` as a flat vector.
    public let layout: ParameterVector
    let parameters: [Tensor]
    let loss: ParameterLoss

    /// - Throws: `AnalysisError.invalidArgument` for an empty parameter list.
    public init(of loss: @escaping ParameterLoss, at parameters: [Tensor]) throws {
        let layout = ParameterVector(like: parameters)
        guard layout.count > 0 else {
            throw AnalysisError.invalidArgument(name: "parameters", value: "[]", reason: "needs at least one scalar parameter")
        }
        self.layout = layout
        self.parameters = parameters
        self.loss = loss
    }

    /// `n`, the number of scalar parameters.
    public var dimension: Int { layout.count }

    /// `H·v` for a flat `v [n]`.
    public func apply(_ v: Tensor) throws -> Tensor {
        let directions = try layout.unflatten(v)
        let r = try hessianVectorProduct(at: parameters, directions: directions) { try loss($0) }
        return try layout.flatten(r.products)
    }

    /// `(L(θ), ∇L(θ))` with the gradient flat.
    public func valueAndGradient() throws -> (value: Double, gradient: Tensor) {
        let r = try valueWithGradient(at: parameters) { try loss($0) }
        return (r.value, try layout.flatten(r.gradients))
    }
}
