// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore

/// Stochastic gradient descent with optional (Nesterov) momentum, in PyTorch's form:
///
///     g ← g + λ·θ                    (only with `.l2(λ)` weight decay)
///     θ ← (1 − η·λ)·θ                (only with `.decoupled(λ)` weight decay)
///     μ = 0:     θ ← θ − η·g
///     μ > 0:     v ← μ·v + g         (v starts at 0, so v₁ = g₁)
///                d = g + μ·v  (Nesterov)  or  d = v  (heavy ball)
///                θ ← θ − η·d
///
/// Reference: Sutskever, Martens, Dahl & Hinton, "On the importance of initialization
/// and momentum in deep learning" (ICML 2013), §2 (Nesterov in the reformulation used by PyTorch).
public struct StochasticGradientDescent: Optimizer {
    /// The step size `η`.
    public var learningRate: Double
    /// The momentum coefficient `μ ∈ [0, 1)`.
    public let momentum: Double
    /// Whether the step looks ahead along the velocity (Nesterov) or follows it (heavy ball).
    public let nesterov: Bool
    /// L2 (added to the gradient) or decoupled (shrinking θ) weight decay.
    public let weightDecay: WeightDecay
    /// The velocities `v`, one per parameter; empty before the first update and when `μ = 0`.
    public private(set) var velocities: [Tensor] = []
    /// The number of updates made.
    public private(set) var stepCount = 0

    /// - Throws: `TrainingError.invalidHyperparameter` unless `η ≥ 0`, `0 ≤ μ < 1`, a
    ///   Nesterov step has `μ > 0`, and the weight decay is finite and ≥ 0.
    public init(learningRate: Double, momentum: Double = 0, nesterov: Bool = false,
                weightDecay: WeightDecay = .none) throws {
        try requireHyperparameter("learning rate", learningRate, "≥ 0") { $0 >= 0 }
        try requireHyperparameter("momentum", momentum, "in [0, 1)") { $0 >= 0 && $0 < 1 }
        if nesterov && momentum == 0 {
            throw TrainingError.invalidHyperparameter(name: "momentum", reason: "Nesterov momentum needs momentum > 0; got 0")
        }
        try weightDecay.validate()
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// One step of the update above, in place; the velocities are allocated at the first call.
    public mutating func update(_ parameters: inout ParameterList, gradients: [Tensor]) throws {
        try validate(gradients, for: parameters, state: velocities)
        stepCount += 1
        if momentum > 0 && velocities.isEmpty { velocities = parameters.values.map { Tensor.zeros(like: $0) } }
        let eta = learningRate, mu = momentum, nesterov = nesterov
        let lambda = weightDecay.gradientCoefficient
        let shrink = 1 - eta * weightDecay.decoupledCoefficient
        for k in 0..<parameters.count {
            gradients[k].withUnsafeBufferPointer { g in
                parameters.values[k].withUnsafeMutableBufferPointer { theta in
                    if mu == 0 {
                        for i in 0..<theta.count {
                            let gi = g[i] + lambda * theta[i]
                            theta[i] = shrink * theta[i] - eta * gi
                        }
                        return
                    }
                    velocities[k].withUnsafeMutableBufferPointer { v in
                        for i in 0..<theta.count {
                            let gi = g[i] + lambda * theta[i]
                            v[i] = mu * v[i] + gi
                            let d = nesterov ? gi + mu * v[i] : v[i]
                            theta[i] = shrink * theta[i] - eta * d
                        }
                    }
                }
            }
        }
    }

    /// Forgets the velocities and the step count.
    public mutating func resetState() { velocities = []; stepCount = 0 }

    /// The step count and `"velocity"`.
    public var savedState: OptimizerState { OptimizerState(stepCount: stepCount, tensors: ["velocity": velocities]) }

    public mutating func restore(_ state: OptimizerState, for parameters: ParameterList) throws {
        guard Set(state.tensors.keys).isSubset(of: ["velocity"]), state.stepCount >= 0 else {
            throw TrainingError.optimizerStateMismatch(reason: "an SGD state holds 'velocity' and a step count ≥ 0; got \(state.tensors.keys.sorted())")
        }
        let v = state.tensors["velocity"] ?? []
        try state.requireMatching("velocity", v, parameters)
        stepCount = state.stepCount
        velocities = v
    }
}
