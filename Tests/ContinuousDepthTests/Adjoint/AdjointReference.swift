// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import NetworkLayers
import TensorCore
import TestSupport

/// A field whose parameters can be replaced (both concrete fields can).
protocol ReparameterizableField: VectorField {
    var parameters: ParameterList { get set }
}

extension NeuralVectorField: ReparameterizableField {}
extension ClosureVectorField: ReparameterizableField {}

/// The independent reference for adjoint gradients: central differences of the
/// forward map `(x₀, θ) ↦ ℓ(x(t₁), …, x(t_K))`, each solve tight (rk8pd, 1e-12).
enum AdjointReference {
    /// `[∂ℓ/∂x₀, ∂ℓ/∂θ₁, …]` by central differences with step `step`.
    static func gradients<Field: ReparameterizableField>(of field: Field, initialState x0: Tensor, from t0: Double,
                                              observationTimes: [Double], step: Double = 1e-5,
                                              loss: @escaping ([Variable]) throws -> Variable) throws -> [Tensor] {
        let solver = GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-12, absoluteTolerance: 1e-12,
                                        initialStepSize: 1e-3)
        return try FiniteDifferences.gradients(at: [x0] + field.parameters.values, step: step) { arguments in
            var perturbed = field
            perturbed.parameters = try field.parameters.replacingValues(Array(arguments.dropFirst()))
            let trajectory = try solver.solve(perturbed, initialState: arguments[0], from: t0,
                                              to: observationTimes[observationTimes.count - 1], at: observationTimes)
            return try loss(trajectory.states.map { Variable($0) }).value.scalars[0]
        }
    }

    /// The largest relative error (max norm) over `x₀` and every parameter tensor.
    static func worstRelativeError(_ gradient: ODEGradient, _ reference: [Tensor]) throws -> Double {
        let computed = [gradient.initialState] + gradient.parameters
        return try zip(computed, reference).map { try Fixtures.relativeError($0, $1) }.max() ?? .infinity
    }
}
