// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
import ResidualNets
@testable import DepthAnalysis

@Suite("Gradient flow: ∂ℓ/∂x_l per layer and its identity/residual split")
struct GradientFlowTests {
    @Test("identity part + residual part = ∂ℓ/∂x_l (the block's own VJP) to 1e-12, at every block")
    func splitSumsToTotal() throws {
        let network = try Fixtures.residualNetwork(depth: 6)
        let x = try Fixtures.normal([4, 3], seed: 2), y = try Fixtures.normal([4, 3], seed: 3)
        let profile = try GradientFlow.measure(try BlockChain(network), at: x, loss: Fixtures.squaredError(against: y))
        #expect(profile.splits.count == 6 && profile.gradientNorms.count == 7)
        for split in profile.splits {
            let sum = try split.identityPart + split.residualPart
            #expect(try sum.relativeDifference(to: split.total) <= 1e-12)
        }
        // The identity part of block l is the gradient at x_{l+1}.
        for l in 0..<5 { #expect(profile.splits[l].identityPart == profile.splits[l + 1].total) }
    }

    @Test("∂ℓ/∂x_0 from the profile equals the whole-network gradient (one tape) to 1e-12")
    func inputGradientMatchesBackprop() throws {
        let network = try Fixtures.residualNetwork(depth: 5)
        let x = try Fixtures.normal([3, 3], seed: 4), y = try Fixtures.normal([3, 3], seed: 5)
        let loss = Fixtures.squaredError(against: y)
        let profile = try GradientFlow.measure(try BlockChain(network), at: x, loss: loss)
        let constants = network.parameters.values.map { Variable($0) }
        let (value, reference) = try valueWithGradient(at: x) { try loss(network.forward($0, parameters: constants)) }
        #expect(Fixtures.close(profile.loss, value, 1e-13))
        #expect(try profile.splits[0].total.relativeDifference(to: reference) <= 1e-12)
    }

    @Test("a loss that returns more than one element is a typed error naming its shape")
    func nonScalarLoss() throws {
        let chain = try BlockChain.linear(Tensor([[1.0]]), depth: 2, stepSize: 0.5, hasSkips: true)
        #expect(throws: AnalysisError.nonScalarLoss(shape: [2, 1])) {
            try GradientFlow.measure(chain, at: Tensor([[1.0], [2.0]]), loss: { $0 })
        }
    }

    @Test("a plain block has no identity part")
    func plainBlocksHaveNoIdentityPath() throws {
        let network = try Fixtures.residualNetwork(depth: 3)
        let x = try Fixtures.normal([2, 3], seed: 6)
        let profile = try GradientFlow.measure(try BlockChain(network).withSkips(false), at: x,
                                               loss: Fixtures.squaredError(against: x))
        #expect(profile.identityNorms == [0, 0, 0])
        // One residual norm per block; the gradient norms add the output's.
        #expect(profile.residualNorms.count == 3 && profile.gradientNorms.count == 4)
        #expect(profile.residualNorms == Array(profile.gradientNorms.prefix(3)))
    }

    @Test("at depth 50 the plain tanh net's first-layer gradient is orders of magnitude below its residual twin's (seed-gradient-highway)")
    func gradientHighway() throws {
        let network = try Fixtures.residualNetwork(dimension: 4, hidden: 16, depth: 50, seed: 7)
        let x = try Fixtures.normal([8, 4], seed: 8), y = try Fixtures.normal([8, 4], seed: 9)
        let comparison = try GradientFlow.compareWithPlainTwin(try BlockChain(network), at: x,
                                                               loss: Fixtures.squaredError(against: y))
        let residual = comparison.residual.gradientNorms, plain = comparison.plain.gradientNorms
        // The residual network's gradient at x_0 stays of the order of the output's.
        #expect(residual[0] > 0.1 * residual[50])
        #expect(plain[0] < 1e-6 * residual[0])
        // The plain gradient decays monotonically towards the input over the first layers.
        #expect(plain[0] < plain[10] && plain[10] < plain[40])
    }
}
