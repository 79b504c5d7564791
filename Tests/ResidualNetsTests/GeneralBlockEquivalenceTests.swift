// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import NetworkLayers
import TensorCore
@testable import ResidualNets

/// The MLP residual networks are one instance of the general residual block:
/// `ResidualBlock(MLPFieldLayer, stepSize: h)` stacked L times gives the same
/// outputs and gradients as `ResidualNetwork` (Euler scheme), and the plain twin likewise.
@Suite("MLP networks as instances of the general residual block")
struct GeneralBlockEquivalenceTests {
    @Test("outputs and gradients agree to rounding (1e-14) for the residual network and its plain twin",
          arguments: [ResidualNetworkSpec.Kind.resnet, .plain])
    func generalBlocksReproduceResidualNetwork(_ kind: ResidualNetworkSpec.Kind) throws {
        let spec = try ResidualNetworkSpec(kind: kind, dimension: 3, hidden: 5, activation: .tanh, depth: 4)
        let network = try ResidualNetwork(spec: spec, seed: 2)
        let field = try spec.field
        let blocks = try (0..<spec.depth).map { l -> any Layer in
            let values = Array(network.parameters.values[(4 * l)..<(4 * l + 4)])
            return try ResidualBlock(MLPFieldLayer(field: field, prefix: "blocks.\(l).", values: values),
                                     stepSize: spec.stepSize, isResidual: kind == .resnet)
        }
        let general = try SequentialLayers(blocks)
        #expect(general.parameters.names == network.parameters.names)
        var rng = SeededGenerator(seed: 3)
        let x = try Tensor.randomNormal([6, 3], using: &rng)
        let reference = try valueWithGradient(at: [x] + network.parameters.values) { v in
            try network.forward(v[0], parameters: Array(v.dropFirst())).square().sum()
        }
        let result = try valueWithGradient(at: [x] + general.parameters.values) { v in
            try general.apply(v[0], parameters: v.dropFirst(), mode: .evaluation).square().sum()
        }
        #expect(Swift.abs(result.value - reference.value) <= 1e-14 * Swift.abs(reference.value))
        for (g, r) in zip(result.gradients, reference.gradients) { #expect(try g.relativeDifference(to: r) <= 1e-14) }
    }
}
