// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension NeuralVectorField: TimeDifferentiableField {
    /// `∂f/∂t` of the MLP field, exact by forward mode:
    ///
    ///     f(x, t) = act([x, t]·W₁ᵀ + b₁)·W₂ᵀ + b₂
    ///     ∂f/∂t   = JVP of f with tangent 0 on x and 1 on the time column
    ///             = (act′(z) ⊙ W₁[:, d]ᵀ)·W₂ᵀ
    ///
    /// Zero when the field does not use time; otherwise one JVP through
    /// `MLPField(_:timeColumn:parameters:)` with the time column as the differentiated input.
    public func partialTimeDerivative(at x: Tensor, time t: Double) throws -> Tensor {
        guard field.usesTime else { return Tensor.zeros(like: x) }
        guard x.rank == 2 else {
            throw ContinuousDepthError.invalidArgument("the state must have shape [batch, \(dimension)]; got \(x.shape)")
        }
        let column = try Tensor(shape: [x.shape[0], 1], repeating: t)
        let unitTangent = try Tensor(shape: [x.shape[0], 1], repeating: 1)
        let theta = parameters.values.map { Variable($0) }
        guard theta.count == 4 else {
            throw ContinuousDepthError.invalidArgument("NeuralVectorField needs 4 parameter tensors; got \(theta.count)")
        }
        return try jacobianVectorProduct(at: [column], tangents: [unitTangent]) { time in
            try field(Variable(x), timeColumn: time[0], parameters: theta[...])
        }.product
    }
}
