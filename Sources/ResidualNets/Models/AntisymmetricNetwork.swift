// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore

/// Residual blocks with antisymmetric weights, stable by construction:
///
///     x_{l+1} = x_l + h·σ(x_l·K_lᵀ + b_l),   K_l = W_l − W_lᵀ − γI
///
/// The eigenvalues of `W − Wᵀ` are imaginary, so those of the layer Jacobian
/// `diag(σ')·K` have real parts ≤ 0 (−γ·σ' with σ' ∈ (0, 1] for tanh): the
/// continuous dynamics neither explode nor vanish. Forward Euler is stable when
/// `h·λ` lies in the disc `|1 + hλ| ≤ 1`, which the damping `γ > 0` makes reachable
/// (Papers/haber2017-stability). Parameters `blocks.{l}.weight` [d, d], `blocks.{l}.bias` [d].
///
/// Reference: Haber & Ruthotto, "Stable architectures for deep neural networks",
/// Inverse Problems 34 (2017), eq. (3.4).
public struct AntisymmetricNetwork: DifferentiableModel, Equatable {
    public let dimension: Int
    public let depth: Int
    public let stepSize: Double
    public let damping: Double
    public let activation: Activation
    public var parameters: ParameterList

    public init(dimension: Int, depth: Int, stepSize: Double? = nil, damping: Double = 0.01,
                activation: Activation = .tanh, seed: UInt64) throws {
        guard dimension >= 1, depth >= 1 else {
            throw NetworkError.invalidField(name: dimension < 1 ? "dim" : "depth", reason: "must be ≥ 1")
        }
        let h = stepSize ?? 1 / Double(depth)
        guard h.isFinite, h > 0, damping.isFinite, damping >= 0 else {
            throw NetworkError.invalidField(name: "h", reason: "h must be > 0 and γ ≥ 0, got h = \(h), γ = \(damping)")
        }
        self.dimension = dimension; self.depth = depth; self.stepSize = h; self.damping = damping; self.activation = activation
        var generator = SeededGenerator(seed: seed)
        var list = ParameterList()
        let k = 1 / Double(dimension).squareRoot()
        for l in 0..<depth {
            try list.append("blocks.\(l).weight", Tensor.randomUniform([dimension, dimension], low: -k, high: k, using: &generator))
            try list.append("blocks.\(l).bias", Tensor.randomUniform([dimension], low: -k, high: k, using: &generator))
        }
        parameters = list
    }

    /// `K = W − Wᵀ − γI` as a variable (differentiable in W).
    public func stabilizedWeight(_ w: Variable) throws -> Variable {
        try (w - w.transposed()) - Variable(Tensor.identity(dimension) * damping)
    }

    public func forward(_ x: Variable, parameters p: [Variable]) throws -> Variable {
        guard p.count == 2 * depth else {
            throw NetworkError.invalidInput(reason: "\(p.count) parameter tensors for a model with \(2 * depth)")
        }
        var state = x
        for l in 0..<depth {
            let f = try activation(Variable.linear(state, weight: stabilizedWeight(p[2 * l]), bias: p[2 * l + 1]))
            state = try state.adding(f, scaledBy: stepSize)
        }
        return state
    }
}
