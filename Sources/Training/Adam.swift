// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NetworkLayers
import TensorCore

/// Adam: steps scaled by running estimates of the gradient's first and second moments,
/// with bias correction (step count `t` from 1):
///
///     g ← g + λ·θ                               (only with `.l2(λ)` weight decay: "Adam with L2")
///     θ ← (1 − η·λ)·θ                           (only with `.decoupled(λ)`: AdamW)
///     m ← β₁·m + (1 − β₁)·g,     v ← β₂·v + (1 − β₂)·g²       (m, v start at 0)
///     m̂ = m / (1 − β₁ᵗ),          v̂ = v / (1 − β₂ᵗ)
///     θ ← θ − η · m̂ / (√v̂ + ε)
///
/// The first step is `−η·g/(|g| + ε) ≈ −η·sign(g)` whatever the gradient's scale.
///
/// Reference: Kingma & Ba, "Adam: a method for stochastic optimization" (ICLR 2015),
/// Algorithm 1; Loshchilov & Hutter (ICLR 2019) for the decoupled decay.
public struct Adam: Optimizer {
    /// The step size `η`.
    public var learningRate: Double
    /// Decay rate `β₁ ∈ [0, 1)` of the first-moment estimate.
    public let beta1: Double
    /// Decay rate `β₂ ∈ [0, 1)` of the second-moment estimate.
    public let beta2: Double
    /// `ε > 0`, added to `√v̂` so that the step stays bounded where the gradient vanishes.
    public let epsilon: Double
    /// L2 (added to the gradient) or decoupled (AdamW) weight decay.
    public let weightDecay: WeightDecay
    /// The number of updates made, `t`.
    public private(set) var stepCount = 0
    /// First-moment estimates `m`, one per parameter (empty before the first update).
    public private(set) var firstMoments: [Tensor] = []
    /// Second-moment estimates `v`, one per parameter (empty before the first update).
    public private(set) var secondMoments: [Tensor] = []

    /// - Throws: `TrainingError.invalidHyperparameter` unless `η ≥ 0`, `β₁, β₂ ∈ [0, 1)`,
    ///   `ε > 0`, and the weight decay is finite and ≥ 0.
    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: WeightDecay = .none) throws {
        try requireHyperparameter("learning rate", learningRate, "≥ 0") { $0 >= 0 }
        try requireHyperparameter("beta1", beta1, "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try requireHyperparameter("beta2", beta2, "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try requireHyperparameter("epsilon", epsilon, "> 0") { $0 > 0 }
        try weightDecay.validate()
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// One step of the update above, in place (`t` increases by 1); the moments are allocated at the first call.
    public mutating func update(_ parameters: inout ParameterList, gradients: [Tensor]) throws {
        try validate(gradients, for: parameters, state: firstMoments)
        if firstMoments.isEmpty {
            firstMoments = parameters.values.map { Tensor.zeros(like: $0) }
            secondMoments = firstMoments
        }
        stepCount += 1
        let t = Double(stepCount)
        let eta = learningRate, beta1 = beta1, beta2 = beta2, epsilon = epsilon
        let firstCorrection = 1 / (1 - pow(beta1, t))
        let secondCorrection = 1 / (1 - pow(beta2, t))
        let lambda = weightDecay.gradientCoefficient
        let shrink = 1 - eta * weightDecay.decoupledCoefficient
        for k in 0..<parameters.count {
            gradients[k].withUnsafeBufferPointer { g in
                parameters.values[k].withUnsafeMutableBufferPointer { theta in
                    firstMoments[k].withUnsafeMutableBufferPointer { m in
                        secondMoments[k].withUnsafeMutableBufferPointer { v in
                            for i in 0..<theta.count {
                                let gi = g[i] + lambda * theta[i]
                                m[i] = beta1 * m[i] + (1 - beta1) * gi
                                v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                                let mHat = m[i] * firstCorrection
                                let vHat = v[i] * secondCorrection
                                theta[i] = shrink * theta[i] - eta * mHat / (vHat.squareRoot() + epsilon)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `t` and the moments `"m"`, `"v"`.
    public var savedState: OptimizerState {
        OptimizerState(stepCount: stepCount, tensors: ["m": firstMoments, "v": secondMoments])
    }

    public mutating func restore(_ state: OptimizerState, for parameters: ParameterList) throws {
        guard Set(state.tensors.keys).isSubset(of: ["m", "v"]), state.stepCount >= 0 else {
            throw TrainingError.optimizerStateMismatch(reason: "an Adam state holds 'm', 'v' and t ≥ 0; got \(state.tensors.keys.sorted()), t = \(state.stepCount)")
        }
        let m = state.tensors["m"] ?? [], v = state.tensors["v"] ?? []
        try state.requireMatching("m", m, parameters)
        try state.requireMatching("v", v, parameters)
        guard m.count == v.count, m.isEmpty == (state.stepCount == 0) else {
            throw TrainingError.optimizerStateMismatch(reason: "Adam's 'm' and 'v' must both be empty (t = 0) or both present (t > 0)")
        }
        stepCount = state.stepCount
        firstMoments = m
        secondMoments = v
    }

    /// Forgets the moments and sets `t` back to 0.
    public mutating func resetState() {
        stepCount = 0
        firstMoments = []
        secondMoments = []
    }
}
