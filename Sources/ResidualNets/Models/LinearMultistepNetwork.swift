// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore

/// LM-ResNet: residual blocks as a two-step linear multistep method,
///
///     x_{l+1} = (1 − k_l)·x_l + k_l·x_{l−1} + h·F_l(x_l),   x_{−1} := x_0
///
/// with a learnable scalar `k_l` per block (parameter `blocks.{l}.k`, shape [1],
/// initialised to 0 so that the network starts as an Euler ResNet). With
/// `k_l = 0` it is explicit Euler; the method is consistent for every `k_l`
/// and zero-stable for −1 < k_l ≤ 1 (roots of ρ(ζ) = ζ² − (1−k)ζ − k are 1 and −k).
///
/// Reference: Lu, Zhong, Li & Dong, "Beyond finite layer neural networks:
/// bridging deep architectures and numerical differential equations" (ICML 2018).
public struct LinearMultistepNetwork: DifferentiableModel, Equatable {
    public let field: MLPField
    public let depth: Int
    public let stepSize: Double
    public var parameters: ParameterList

    public init(field: MLPField, depth: Int, stepSize: Double? = nil, seed: UInt64) throws {
        guard depth >= 1 else { throw NetworkError.invalidField(name: "depth", reason: "must be ≥ 1, got \(depth)") }
        let h = stepSize ?? 1 / Double(depth)
        guard h.isFinite, h > 0 else { throw NetworkError.invalidField(name: "h", reason: "must be finite and > 0, got \(h)") }
        self.field = field
        self.depth = depth
        self.stepSize = h
        var generator = SeededGenerator(seed: seed)
        var list = ParameterList()
        for l in 0..<depth {
            let prefix = "blocks.\(l)."
            for (n, v) in zip(field.parameterNames(prefix: prefix), try field.initialParameters(using: &generator)) {
                try list.append(n, v)
            }
            try list.append(prefix + "k", Tensor([0]))
        }
        parameters = list
    }

    public func forward(_ x: Variable, parameters p: [Variable]) throws -> Variable {
        guard p.count == 5 * depth else {
            throw NetworkError.invalidInput(reason: "\(p.count) parameter tensors for a model with \(5 * depth)")
        }
        var previous = x, current = x
        for l in 0..<depth {
            let theta = p[(5 * l)..<(5 * l + 4)]
            let k = p[5 * l + 4]
            let f = try field(current, time: Double(l) * stepSize, parameters: theta)
            // (1 − k)·x_l + k·x_{l−1} = x_l + k·(x_{l−1} − x_l)
            let next = try (current + k * (previous - current)).adding(f, scaledBy: stepSize)
            previous = current
            current = next
        }
        return current
    }
}
