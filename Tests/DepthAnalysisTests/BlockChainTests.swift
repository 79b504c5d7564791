// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
import ResidualNets
@testable import DepthAnalysis

@Suite("A block chain is the network it was built from")
struct BlockChainTests {
    @Test("the chain of a ResNet (Euler, RK4, tied) and of its plain twin reproduces network.forward",
          arguments: [(ResidualNetworkSpec.Kind.resnet, BlockScheme.euler, false), (.resnet, .rk4, false),
                      (.resnet, .heun, true), (.plain, .euler, false)])
    func reproducesNetwork(_ kind: ResidualNetworkSpec.Kind, _ scheme: BlockScheme, _ tied: Bool) throws {
        let spec = try ResidualNetworkSpec(kind: kind, dimension: 3, hidden: 4, depth: 5, scheme: scheme, tied: tied, usesTime: !tied)
        let network = try ResidualNetwork(spec: spec, seed: 3)
        let x = try Fixtures.normal([4, 3], seed: 9)
        let chain = try BlockChain(network)
        #expect(chain.depth == 5)
        #expect(try chain(x).isApproximatelyEqual(to: network(x), relativeTolerance: 1e-13, absoluteTolerance: 1e-14))
    }

    @Test("the chain of an antisymmetric network reproduces its forward pass")
    func antisymmetric() throws {
        let network = try AntisymmetricNetwork(dimension: 3, depth: 4, damping: 0.1, seed: 6)
        let x = try Fixtures.normal([2, 3], seed: 7)
        #expect(try BlockChain(network)(x).isApproximatelyEqual(to: network(x), relativeTolerance: 1e-14, absoluteTolerance: 1e-15))
    }

    @Test("switching the skips off gives the plain twin with the same weights")
    func plainTwin() throws {
        let spec = try ResidualNetworkSpec(dimension: 3, hidden: 4, depth: 4)
        let network = try ResidualNetwork(spec: spec, seed: 4)
        var plainSpec = spec
        plainSpec.kind = .plain
        let plain = try ResidualNetwork(spec: plainSpec,
                                        weights: Dictionary(uniqueKeysWithValues: zip(network.parameters.names, network.parameters.values)))
        let x = try Fixtures.normal([2, 3], seed: 5)
        #expect(try BlockChain(network).withSkips(false)(x).isApproximatelyEqual(to: plain(x), relativeTolerance: 1e-14))
    }

    @Test("deleting blocks skips them; reordering needs a permutation; bad indices are typed errors")
    func lesions() throws {
        // Scalar blocks x ↦ (1 + a_l)·x: deleting block l removes the factor (1 + a_l).
        let factors = [0.5, 2.0, -0.25]
        let chain = try BlockChain.linear(factors.map { try Tensor([[$0]]) }, stepSize: 1, hasSkips: true)
        let x = try Tensor([[1.0]])
        #expect(try chain(x).scalars == [1.5 * 3 * 0.75])
        #expect(try chain.removingBlocks([1])(x).scalars == [1.5 * 0.75])
        #expect(try chain.removingBlocks([0, 1, 2])(x).scalars == [1])
        #expect(throws: AnalysisError.blockIndexOutOfRange(index: 3, depth: 3)) { try chain.removingBlocks([3]) }
        #expect(throws: AnalysisError.notPermutation(order: [0, 0, 1], depth: 3)) { try chain.reorderingBlocks([0, 0, 1]) }
        #expect(try chain.reorderingBlocks([2, 0, 1]).depth == 3)
    }

    @Test("a linear chain rejects a non-square matrix by shape")
    func nonSquareMatrix() throws {
        #expect(throws: AnalysisError.shapeMismatch(what: "a linear block's matrix", expected: [2, 2], got: [2, 3])) {
            try BlockChain.linear([try Tensor.zeros([2, 3])], stepSize: 1, hasSkips: true)
        }
    }
}
