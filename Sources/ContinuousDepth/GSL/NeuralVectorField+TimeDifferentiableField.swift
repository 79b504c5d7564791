// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension NeuralVectorField: TimeDifferentiableField {
    /// `∂f/∂t` of the MLP field, exact by forward mode:
    ///
    ///     f(x, t) = act([x, t]·W₁ᵀ + b₁)·W₂ᵀ + b₂
    ///     ∂f/∂t   = JVP of f with tangent 0 on x and 1 on the time column
    ///             = (act′(z) ⊙ W₁[:, d]ᵀ)·W₂ᵀ
    ///
    /// Zero when the field does not use time. `MLPField` builds its time column
    /// as a constant, so the forward map is restated here with that column as the
    /// differentiated input; it must stay the same expression as
    /// `MLPField.callAsFunction` (a test compares both with a finite difference in `t`).
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
        let activation = field.activation
        return try jacobianVectorProduct(at: [column], tangents: [unitTangent]) { time in
            let input = try Variable.concatenate([Variable(x), time[0]], alongAxis: 1)
            let hidden = try activation(Variable.linear(input, weight: theta[0], bias: theta[1]))
            return try Variable.linear(hidden, weight: theta[2], bias: theta[3])
        }.product
    }
}
