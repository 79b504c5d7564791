// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import NetworkLayers
import TensorCore

/// The problem both gradient-method suites differentiate: a tanh MLP field on
/// d = 2 (hidden 8, weights ×2, seed 41), a batch of 3 initial states (seed 42),
/// and ℓ = ½Σ x(t₁)².
enum GradientTestProblem {
    static let field: NeuralVectorField = {
        var g = SeededGenerator(seed: 41)
        let f = try! MLPField(dimension: 2, hidden: 8)
        return try! NeuralVectorField(field: f, weights: f.initialParameters(using: &g).map { $0 * 2 })
    }()
    static let x0: Tensor = {
        var g = SeededGenerator(seed: 42)
        return try! Tensor.randomNormal([3, 2], using: &g)
    }()
    static let loss: @Sendable ([Variable]) throws -> Variable = { try $0[0].square().sum() * 0.5 }

    /// `∂ℓ/∂x₀` and every parameter gradient as one flat vector.
    static func flatten(_ g: ODEGradient) throws -> Tensor {
        try Tensor.concatenate(([g.initialState] + g.parameters).map { try $0.reshaped(to: [-1]) })
    }
}
