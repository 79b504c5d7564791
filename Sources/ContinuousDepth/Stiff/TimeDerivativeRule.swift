// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// How a Rosenbrock step obtains `∂f/∂t` (the `dᵢ h ∂f/∂t` terms of its
/// stages), chosen once per solve by `BatchedStiffSystem`, and the same
/// formula recorded on the tape for backprop, so that the recorded step equals
/// the forward one to round-off:
///
/// - `.exact`: a `TimeDifferentiableField` evaluated with its own parameters,
///   `∂f/∂t = partialTimeDerivative(y, t)`. On the tape its pullback is
///   `v̄ ↦ ∇_{y,θ} (v̄ᵀ ∂f/∂t)`: exact for a `TraceableField`, where
///   `f(y, t; θ) = g(y, t·𝟙; θ)` makes it one Hessian–vector product of
///   `Σ v̄ ⊙ g` in the direction `(𝟙, 0, 0)` of (time column, `y`, `θ`);
///   otherwise the central difference in `t` of two vector–Jacobian products,
///   `(∇(v̄ᵀf)(t + δ) − ∇(v̄ᵀf)(t − δ)) / 2δ`, accurate to O(δ²).
/// - `.centralDifference`: any other field,
///
///       ∂f/∂t ≈ (f(t + δ, y) − f(t − δ, y)) · (1 / 2δ),   δ = 10⁻⁵·max(1, |t|),
///
///   error O(δ²); recorded with ordinary tape operations, so its gradient is
///   the exact derivative of this formula (two evaluations of `f` more per step).
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.7 (non-autonomous Rosenbrock methods).
enum TimeDerivativeRule: Equatable {
    case exact
    case centralDifference

    /// The difference step `δ = 10⁻⁵·max(1, |t|)` at time `t`.
    static func differenceStep(at t: Double) -> Double { 1e-5 * Swift.max(1, Swift.abs(t)) }

    /// The evaluations of `f` the recorded rule adds to a step (and to its pullback).
    var evaluations: Int { self == .exact ? 0 : 2 }

    /// `∂f/∂t` at `(t, y; θ)` by this rule, recorded on the tape when `y` or `θ` is tracked.
    /// - Throws: `ContinuousDepthError.invalidArgument` for `.exact` with a field that is not a
    ///   `TimeDifferentiableField`; the field's errors.
    func record<Field: VectorField>(_ field: Field, at y: Variable, time t: Double,
                                    parameters theta: [Variable]) throws -> Variable {
        switch self {
        case .centralDifference:
            let delta = Self.differenceStep(at: t)
            let later = try field(y, time: t + delta, parameters: theta)
            let earlier = try field(y, time: t - delta, parameters: theta)
            return try (later - earlier) * (1 / (2 * delta))
        case .exact:
            guard let timed = field as? any TimeDifferentiableField else {
                throw ContinuousDepthError.invalidArgument("an exact ∂f/∂t needs a TimeDifferentiableField")
            }
            let value = try timed.partialTimeDerivative(at: y.value, time: t)
            // A neural field that does not read `t` has ∂f/∂t ≡ 0 for every (y, θ): a constant, exactly.
            let ignoresTime = (field as? NeuralVectorField).map { !$0.field.usesTime } ?? false
            guard y.isTracked || theta.contains(where: \.isTracked), !ignoresTime else { return Variable(value) }
            let point = y.value, thetaValues = theta.map(\.value)
            return try Variable.customOperation(value, inputs: [y] + theta, name: "∂f/∂t") { vBar in
                let weight = Variable(vBar)
                if let traceable = field as? any TraceableField {
                    let column = try Tensor(shape: [point.shape[0], 1], repeating: t)
                    let (_, _, products) = try hessianVectorProduct(
                        at: [column, point] + thetaValues,
                        directions: [try Tensor(shape: column.shape, repeating: 1), Tensor.zeros(like: point)]
                            + thetaValues.map { Tensor.zeros(like: $0) }) { inputs in
                            try (weight * traceable(inputs[1], timeColumn: inputs[0],
                                                    parameters: Array(inputs[2...]))).sum()
                        }
                    return Array(products.dropFirst())
                }
                let delta = Self.differenceStep(at: t)
                func gradients(at time: Double) throws -> [Tensor] {
                    try vectorJacobianProduct(at: [point] + thetaValues, cotangent: vBar) { inputs in
                        try field(inputs[0], time: time, parameters: Array(inputs[1...]))
                    }.products
                }
                return try zip(try gradients(at: t + delta), try gradients(at: t - delta)).map { later, earlier in
                    try (later - earlier) * (1 / (2 * delta))
                }
            }
        }
    }
}
