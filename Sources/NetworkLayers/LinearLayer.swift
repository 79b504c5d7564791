// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A fully connected layer `y = x·Wᵀ + b`, W `[out, in]`, b `[out]` (PyTorch's `nn.Linear`),
/// initialised U(−1/√in, 1/√in) as PyTorch does.
public struct LinearLayer: DifferentiableModel {
    public var parameters: ParameterList

    public init(inputs: Int, outputs: Int, prefix: String = "", using generator: inout SeededGenerator) throws {
        let k = 1 / Double(Swift.max(inputs, 1)).squareRoot()
        parameters = try ParameterList(names: [prefix + "weight", prefix + "bias"],
                                       values: [Tensor.randomUniform([outputs, inputs], low: -k, high: k, using: &generator),
                                                Tensor.randomUniform([outputs], low: -k, high: k, using: &generator)])
    }

    public func forward(_ x: Variable, parameters p: [Variable]) throws -> Variable {
        try Variable.linear(x, weight: p[0], bias: p[1])
    }
}
