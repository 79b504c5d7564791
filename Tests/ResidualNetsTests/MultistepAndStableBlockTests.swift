// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import NetworkLayers
import TensorCore
import TestSupport
@testable import ResidualNets

@Suite("LM-ResNet and antisymmetric (Haber–Ruthotto) blocks")
struct MultistepAndStableBlockTests {
    let x0: Tensor = {
        var g = SeededGenerator(seed: 23)
        return try! Tensor.randomNormal([4, 3], using: &g)
    }()

    @Test("with every k_l = 0 an LM-ResNet is the Euler ResNet with the same blocks")
    func lmWithZeroKIsEuler() throws {
        let field = try MLPField(dimension: 3, hidden: 5)
        let lm = try LinearMultistepNetwork(field: field, depth: 4, seed: 3)
        var weights: [String: Tensor] = [:]
        for (n, v) in zip(lm.parameters.names, lm.parameters.values) where !n.hasSuffix(".k") { weights[n] = v }
        let resnet = try ResidualNetwork(spec: ResidualNetworkSpec(dimension: 3, hidden: 5, depth: 4), weights: weights)
        #expect(try lm(x0).isApproximatelyEqual(to: resnet(x0), relativeTolerance: 1e-14, absoluteTolerance: 1e-15))
    }

    @Test("LM-ResNet applies x_{l+1} = (1−k)x_l + k·x_{l−1} + hF(x_l) for non-zero k")
    func lmUpdateRule() throws {
        let field = try MLPField(dimension: 3, hidden: 5)
        var lm = try LinearMultistepNetwork(field: field, depth: 3, seed: 4)
        var values = lm.parameters.values
        for l in 0..<3 { values[5 * l + 4] = Tensor([0.3 - 0.2 * Double(l)]) }
        lm.parameters = try lm.parameters.replacingValues(values)
        var previous = x0, current = x0
        let h = 1.0 / 3
        for l in 0..<3 {
            let k = values[5 * l + 4].scalars[0]
            let f = try referenceField(current, values[(5 * l)..<(5 * l + 4)])
            let next = try current * (1 - k) + previous * k + f * h
            previous = current; current = next
        }
        #expect(try lm(x0).isApproximatelyEqual(to: current, relativeTolerance: 1e-13, absoluteTolerance: 1e-14))
    }

    @Test("LM-ResNet and antisymmetric gradients (input, weights, k) match finite differences")
    func gradients() throws {
        var lm = try LinearMultistepNetwork(field: MLPField(dimension: 3, hidden: 4), depth: 3, seed: 5)
        var values = lm.parameters.values
        values[4] = Tensor([0.2]); values[9] = Tensor([-0.1])
        lm.parameters = try lm.parameters.replacingValues(values)
        let anti = try AntisymmetricNetwork(dimension: 3, depth: 3, damping: 0.1, seed: 6)
        let models: [any DifferentiableModel] = [lm, anti]
        for model in models {
            let loss = { (a: [Variable]) throws -> Variable in try model.forward(a[0], parameters: Array(a.dropFirst())).square().sum() }
            let inputs = [x0] + model.parameters.values
            let (_, grads) = try valueWithGradient(at: inputs, in: loss)
            let reference = try FiniteDifferences.gradients(at: inputs) { try loss($0.map { Variable($0) }).value.scalar! }
            for (g, r) in zip(grads, reference) { #expect(try g.relativeDifference(to: r) <= 1e-6) }
        }
    }

    @Test("K = W − Wᵀ − γI has eigenvalues with real part exactly −γ (antisymmetric part has imaginary spectrum)")
    func antisymmetricSpectrum() throws {
        let net = try AntisymmetricNetwork(dimension: 4, depth: 1, damping: 0.25, seed: 7)
        let k = try net.stabilizedWeight(Variable(net.parameters.values[0])).value
        let s = try (k + k.transposed()) * 0.5  // symmetric part = −γI
        #expect(s.isApproximatelyEqual(to: try Tensor.identity(4) * -0.25, relativeTolerance: 0, absoluteTolerance: 1e-15))
    }

    @Test("in the linear regime a perturbation does not grow through antisymmetric blocks; with W + Wᵀ it grows like e^{hLλ}")
    func antisymmetricStability() throws {
        // Small states and no bias keep tanh in its linear regime, where growth is
        // governed by the spectrum of K: imaginary ± γ for K = W − Wᵀ − γI, real for W + Wᵀ.
        let depth = 40, h = 0.1
        let anti = try AntisymmetricNetwork(dimension: 4, depth: depth, stepSize: h, damping: 0.05, seed: 8)
        var g = SeededGenerator(seed: 9)
        let x = try Tensor.randomNormal([5, 4], using: &g) * 1e-4
        let delta = try Tensor.randomNormal(x.shape, using: &g) * 1e-9
        func propagate(_ x: Tensor, symmetric: Bool) throws -> Tensor {
            var state = x
            for _ in 0..<depth {
                let w = anti.parameters.values[0] * 3  // one tied block: growth (1 + hλ)^L
                let k = symmetric ? try w + w.transposed() : try (w - w.transposed()) - Tensor.identity(4) * 0.05
                state = try state.adding(Tensor.linear(state, weight: k, bias: nil).tanh(), scaledBy: h)
            }
            return state
        }
        let growthAnti = try (propagate(x + delta, symmetric: false) - propagate(x, symmetric: false)).l2Norm() / delta.l2Norm()
        let growthSym = try (propagate(x + delta, symmetric: true) - propagate(x, symmetric: true)).l2Norm() / delta.l2Norm()
        print("perturbation growth over \(depth) blocks: antisymmetric \(growthAnti), symmetric \(growthSym)")
        #expect(growthAnti < 3, "antisymmetric growth \(growthAnti)")
        #expect(growthSym > 100, "symmetric growth \(growthSym)")
    }
}
