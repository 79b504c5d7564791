// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import NetworkLayers
import TensorCore

/// Small fields and batches shared by the GSL and adjoint tests (fixed seeds).
enum Fixtures {
    /// A `NeuralVectorField` (tanh MLP) with PyTorch-default weights from `seed`.
    static func neuralField(dimension: Int, hidden: Int, usesTime: Bool = false, seed: UInt64) throws -> NeuralVectorField {
        try NeuralVectorField(field: MLPField(dimension: dimension, hidden: hidden, usesTime: usesTime), seed: seed)
    }

    /// A batch `[batch, d]` with entries uniform in [−1, 1].
    static func batch(_ batch: Int, _ dimension: Int, seed: UInt64) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return try Tensor.randomUniform([batch, dimension], low: -1, high: 1, using: &generator)
    }

    /// `x′ = A x` row by row (`f = x·Aᵀ`), with `A` as the parameter `"A"`.
    static func linearField(_ a: Tensor) throws -> ClosureVectorField {
        ClosureVectorField(dimension: a.shape[0], parameters: try ParameterList(names: ["A"], values: [a])) { x, _, theta in
            try Variable.linear(x, weight: theta[0], bias: nil)
        }
    }

    /// The damped rotation `A = [[−α, −ω], [ω, −α]]`, whose exponential is
    /// `e^{tA} = e^{−αt} [[cos ωt, −sin ωt], [sin ωt, cos ωt]]`.
    static func dampedRotation(alpha: Double, omega: Double) throws -> Tensor {
        try Tensor([[-alpha, -omega], [omega, -alpha]])
    }

    /// `e^{tA}` of `dampedRotation(alpha:omega:)`.
    static func dampedRotationExponential(alpha: Double, omega: Double, time t: Double) throws -> Tensor {
        let decay = exp(-alpha * t)
        let (c, s) = (cos(omega * t), sin(omega * t))
        return try Tensor([[decay * c, -decay * s], [decay * s, decay * c]])
    }

    /// The strongly contracting field `f(x) = −κ·x + MLP(x)` with a small tanh MLP:
    /// the MLP's weights are PyTorch-default ones times `weightScale`. Backwards in time it expands like `e^{κt}`, so the plain adjoint's backward `x` drifts.
    static func contractingField(dimension: Int, hidden: Int, rate kappa: Double, weightScale: Double = 1,
                                 seed: UInt64) throws -> ClosureVectorField {
        let mlp = try MLPField(dimension: dimension, hidden: hidden)
        var generator = SeededGenerator(seed: seed)
        let parameters = try ParameterList(names: mlp.parameterNames(prefix: "f."),
                                           values: mlp.initialParameters(using: &generator).map { $0 * weightScale })
        return ClosureVectorField(dimension: dimension, parameters: parameters) { x, t, theta in
            try x.scaled(by: -kappa) + mlp(x, time: t, parameters: theta[...])
        }
    }

    /// `max |aᵢ − bᵢ| / max(max |bᵢ|, 10⁻³⁰⁰)`.
    static func relativeError(_ a: Tensor, _ reference: Tensor) throws -> Double {
        try (a - reference).maxNorm() / max(reference.maxNorm(), 1e-300)
    }
}
