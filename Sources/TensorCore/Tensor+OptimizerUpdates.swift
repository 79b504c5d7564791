// SPDX-License-Identifier: GPL-3.0-or-later
import CKernels

/// The scalars of one Adam step at step count `t` (see `Tensor.applyAdamUpdate`).
public struct AdamUpdateCoefficients: Sendable, Equatable {
    /// Decay rates `β₁`, `β₂` of the first and second moments.
    public var beta1, beta2: Double
    /// The bias corrections `1/(1 − β₁ᵗ)` and `1/(1 − β₂ᵗ)`.
    public var firstCorrection, secondCorrection: Double
    /// The step size `η` and the `ε` added to `√v̂`.
    public var learningRate, epsilon: Double
    /// `λ` of L2 decay, added to the gradient as `λ·θ` (0 without).
    public var l2: Double
    /// `1 − η·λ` of decoupled decay (AdamW), multiplying `θ` (1 without).
    public var shrink: Double

    public init(beta1: Double, beta2: Double, firstCorrection: Double, secondCorrection: Double,
                learningRate: Double, epsilon: Double, l2: Double, shrink: Double) {
        (self.beta1, self.beta2, self.firstCorrection, self.secondCorrection) = (beta1, beta2, firstCorrection, secondCorrection)
        (self.learningRate, self.epsilon, self.l2, self.shrink) = (learningRate, epsilon, l2, shrink)
    }
}

/// Fused in-place optimiser updates: one pass over the parameter, its gradient and the
/// optimiser's state (vectorised C kernels), where the same update from separate tensor
/// operations makes five to ten passes and allocates temporaries. Products and sums are
/// rounded in the order written below, the same on every CPU variant.
extension Tensor {
    /// One Adam step of the parameter `θ = self`, elementwise:
    ///
    ///     g' = g + λ·θ,   m ← β₁·m + (1 − β₁)·g',   v ← β₂·v + ((1 − β₂)·g')·g'
    ///     θ ← shrink·θ − (η·(m·c₁)) / (√(v·c₂) + ε)
    ///
    /// Reference: Kingma & Ba, "Adam: a method for stochastic optimization" (ICLR 2015), Algorithm 1.
    /// - Parameters:
    ///   - gradient: `g`, the loss gradient with respect to `self`.
    ///   - firstMoment: `m`, updated in place.
    ///   - secondMoment: `v`, updated in place.
    ///   - c: `β₁`, `β₂`, the corrections `c₁`, `c₂`, `η`, `ε`, `λ` and `shrink` of this step.
    /// - Throws: `TensorError.shapeMismatch` unless `gradient`, `firstMoment` and `secondMoment` have `self`'s shape.
    public mutating func applyAdamUpdate(gradient: Tensor, firstMoment: inout Tensor, secondMoment: inout Tensor,
                                         coefficients c: AdamUpdateCoefficients) throws {
        for other in [gradient, firstMoment, secondMoment] where other.shape != shape {
            throw TensorError.shapeMismatch(operation: "applyAdamUpdate", lhs: shape, rhs: other.shape)
        }
        let coefficients = resode_adam_coefficients(
            beta1: c.beta1, beta2: c.beta2, first_correction: c.firstCorrection, second_correction: c.secondCorrection,
            learning_rate: c.learningRate, epsilon: c.epsilon, l2: c.l2, shrink: c.shrink)
        let n = count
        scalars.withUnsafeMutableBufferPointer { theta in
            gradient.scalars.withUnsafeBufferPointer { g in
                firstMoment.scalars.withUnsafeMutableBufferPointer { m in
                    secondMoment.scalars.withUnsafeMutableBufferPointer { v in
                        guard let theta = theta.baseAddress, let g = g.baseAddress, let m = m.baseAddress,
                              let v = v.baseAddress else { return }
                        resode_adam_update(theta, g, m, v, n, coefficients)
                    }
                }
            }
        }
    }

    /// One step of plain stochastic gradient descent of the parameter `θ = self`, elementwise:
    ///
    ///     g' = g + λ·θ,   θ ← shrink·θ − η·g'
    ///
    /// - Parameters:
    ///   - gradient: `g`, the loss gradient with respect to `self`.
    ///   - learningRate: the step size `η`.
    ///   - l2: `λ` of L2 decay (0 without).
    ///   - shrink: `1 − η·λ` of decoupled decay (1 without).
    /// - Throws: `TensorError.shapeMismatch` unless `gradient` has `self`'s shape.
    public mutating func applyGradientDescentUpdate(gradient: Tensor, learningRate: Double, l2: Double,
                                                    shrink: Double) throws {
        guard gradient.shape == shape else {
            throw TensorError.shapeMismatch(operation: "applyGradientDescentUpdate", lhs: shape, rhs: gradient.shape)
        }
        let n = count
        scalars.withUnsafeMutableBufferPointer { theta in
            gradient.scalars.withUnsafeBufferPointer { g in
                guard let theta = theta.baseAddress, let g = g.baseAddress else { return }
                resode_sgd_update(theta, g, n, learningRate, l2, shrink)
            }
        }
    }

    /// One step of gradient descent with momentum of the parameter `θ = self`, elementwise:
    ///
    ///     g' = g + λ·θ,   v ← μ·v + g',   d = g' + μ·v (Nesterov) or d = v (heavy ball),   θ ← shrink·θ − η·d
    ///
    /// Reference: Sutskever, Martens, Dahl & Hinton, "On the importance of initialization and
    /// momentum in deep learning" (ICML 2013), §2, in PyTorch's form.
    /// - Parameters:
    ///   - gradient: `g`, the loss gradient with respect to `self`.
    ///   - velocity: the momentum buffer `v`, updated in place.
    ///   - learningRate: the step size `η`.
    ///   - momentum: the momentum coefficient `μ`.
    ///   - nesterov: whether the step looks ahead along the velocity (`d = g' + μ·v`) or follows it (`d = v`).
    ///   - l2: `λ` of L2 decay (0 without).
    ///   - shrink: `1 − η·λ` of decoupled decay (1 without).
    /// - Throws: `TensorError.shapeMismatch` unless `gradient` and `velocity` have `self`'s shape.
    public mutating func applyMomentumUpdate(gradient: Tensor, velocity: inout Tensor, learningRate: Double,
                                             momentum: Double, nesterov: Bool, l2: Double, shrink: Double) throws {
        for other in [gradient, velocity] where other.shape != shape {
            throw TensorError.shapeMismatch(operation: "applyMomentumUpdate", lhs: shape, rhs: other.shape)
        }
        let n = count
        scalars.withUnsafeMutableBufferPointer { theta in
            gradient.scalars.withUnsafeBufferPointer { g in
                velocity.scalars.withUnsafeMutableBufferPointer { v in
                    guard let theta = theta.baseAddress, let g = g.baseAddress, let v = v.baseAddress else { return }
                    resode_sgd_momentum_update(theta, g, v, n, learningRate, momentum, nesterov ? 1 : 0, l2, shrink)
                }
            }
        }
    }
}
