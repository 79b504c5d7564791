// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
@testable import DepthAnalysis

@Suite("Residual networks as ensembles of paths (Veit et al. 2016)")
struct PathEnsembleTests {
    @Test("path lengths are binomial: C(4, k) = 1, 4, 6, 4, 1; C(56, k) exact for every k; Σ = 2^L")
    func binomialCounts() throws {
        #expect(try PathLengthDistribution(depth: 4).counts == [1, 4, 6, 4, 1])
        #expect(try PathLengthDistribution(depth: 0).counts == [1])
        let distribution = try PathLengthDistribution(depth: 56)
        var row: [UInt64] = [1]
        for _ in 0..<56 { row = [1] + zip(row, row.dropFirst()).map { $0 + $1 } + [1] }
        #expect(distribution.counts == row.map { Double($0) })
        #expect(distribution.pathCount == 0x1p56)
        #expect(distribution.meanLength == 28)
        #expect(throws: AnalysisError.self) { try PathLengthDistribution(depth: -1) }
    }

    static let a1 = try! Tensor([[0.5, -1], [2, 0.25]])
    static let a2 = try! Tensor([[-0.75, 0.5], [1, 3]])

    @Test("two linear blocks x + A₁x, + A₂x: paths I, A₁, A₂, A₂A₁, and their sum is (I + A₂)(I + A₁)")
    func twoBlockDecomposition() throws {
        let chain = try BlockChain.linear([Self.a1, Self.a2], stepSize: 1, hasSkips: true)
        let decomposition = try PathDecomposition(of: chain, at: Tensor([0.3, -0.7]))
        let identity = try Tensor.identity(2)
        let expected = [identity, Self.a1, Self.a2, try Self.a2.matmul(Self.a1)]
        #expect(decomposition.terms.map(\.activeBlocks) == [[], [0], [1], [0, 1]])
        for (term, matrix) in zip(decomposition.terms, expected) { #expect(term.matrix == matrix.scalars) }
        let product = try (identity + Self.a2).matmul(identity + Self.a1)
        #expect(try Tensor(shape: [2, 2], scalars: decomposition.sum).isApproximatelyEqual(to: product, relativeTolerance: 1e-15))
        let spectrum = try JacobianSpectrum(of: chain, at: Tensor([0.3, -0.7]))
        #expect(try Tensor(shape: [2, 2], scalars: spectrum.matrix).isApproximatelyEqual(to: product, relativeTolerance: 1e-15))
        #expect(decomposition.sumsByLength[1] == (try Self.a1 + Self.a2).scalars)
    }

    @Test("for a tanh ResNet the path gradients over all 2^L subsets sum to ∂ℓ/∂x_0")
    func pathGradientsSumToGradient() throws {
        let network = try Fixtures.residualNetwork(depth: 5, seed: 11)
        let x = try Fixtures.normal([3, 3], seed: 12), y = try Fixtures.normal([3, 3], seed: 13)
        let chain = try BlockChain(network)
        let loss = Fixtures.squaredError(against: y)
        let paths = try LinearizedPaths(of: chain, at: x, loss: loss)
        var total = Tensor.zeros(like: x)
        for mask in 0..<32 { try total.add(paths.gradient(through: Set((0..<5).filter { mask & (1 << $0) != 0 }))) }
        let reference = try GradientFlow.measure(chain, at: x, loss: loss).splits[0].total
        #expect(try total.relativeDifference(to: reference) <= 1e-12)
    }

    @Test("mean path-gradient magnitudes of two linear blocks: ‖g‖, (‖gA₁‖ + ‖gA₂‖)/2, ‖gA₂A₁‖ (enumerated exactly)")
    func pathGradientDistributionByHand() throws {
        let chain = try BlockChain.linear([Self.a1, Self.a2], stepSize: 1, hasSkips: true)
        let x = try Tensor([[1.0, 2.0]])
        // ℓ = ⟨x_L, c⟩ so that ∂ℓ/∂x_L = c.
        let c = try Tensor([[0.6, -0.8]])
        let distribution = try PathGradientDistribution(of: chain, at: x, loss: { try ($0 * Variable(c)).sum() },
                                                        samplesPerLength: 10, seed: 1)
        let m1 = (try c.matmul(Self.a1).l2Norm() + c.matmul(Self.a2).l2Norm()) / 2
        let m2 = try c.matmul(Self.a2).matmul(Self.a1).l2Norm()
        #expect(distribution.isExact == [true, true, true])
        #expect(distribution.pathsEvaluated == [1, 2, 1])
        #expect(Fixtures.close(distribution.meanMagnitudes[0], 1, 1e-15))
        #expect(Fixtures.close(distribution.meanMagnitudes[1], m1, 1e-14))
        #expect(Fixtures.close(distribution.meanMagnitudes[2], m2, 1e-14))
        #expect(Fixtures.close(distribution.totalMagnitudes[1], 2 * m1, 1e-14))
    }

    @Test("sampled estimates on a deep ResNet: most gradient comes from paths much shorter than L/2")
    func effectivePaths() throws {
        let network = try Fixtures.residualNetwork(dimension: 3, hidden: 6, depth: 24, seed: 14)
        let x = try Fixtures.normal([4, 3], seed: 15)
        let distribution = try PathGradientDistribution(of: try BlockChain(network), at: x,
                                                        loss: Fixtures.squaredError(against: Tensor.zeros([4, 3])),
                                                        samplesPerLength: 6, seed: 2)
        #expect(distribution.isExact[0] && distribution.isExact[24] && !distribution.isExact[12])
        #expect(distribution.pathsEvaluated[12] == 6)
        // Each branch multiplies by h·∂F/∂x with h = 1/24, so m_k falls geometrically in k.
        #expect(distribution.meanMagnitudes[8] < distribution.meanMagnitudes[2])
        let range = try distribution.effectivePathLengths(massFraction: 0.9)
        #expect(range.upperBound < 12)
        #expect(range.contains(distribution.dominantLength))
        #expect(throws: AnalysisError.self) { try distribution.effectivePathLengths(massFraction: 0) }
    }

    @Test("path analyses refuse plain blocks, naming the block")
    func plainRefused() throws {
        let chain = try BlockChain.linear([Self.a1], stepSize: 1, hasSkips: false)
        #expect(throws: AnalysisError.requiresSkipConnection(block: 0, measurement: "the path decomposition")) {
            try PathDecomposition(of: chain, at: Tensor([1, 1]))
        }
    }
}
