// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
import TestSupport
import ResidualNets
@testable import DepthAnalysis

/// The depth measurements on convolutional ResNets (He et al. 2016, §4.2) of digits size
/// (1×8×8 images), batch norm in evaluation mode with random running statistics.
@Suite("Depth analysis of convolutional ResNets: gradient split, JVP Jacobians, lesions, paths")
struct ConvolutionalResNetAnalysisTests {
    /// A conv ResNet (or plain twin) of `n` blocks per stage with non-trivial running statistics.
    static func network(blocksPerStage n: Int, widths: [Int] = [16, 32, 64], residual: Bool = true,
                        preactivation: Bool = false, meanSpread: Double = 0.1, seed: UInt64 = 7) throws -> ConvolutionalResNet {
        let spec = try ConvolutionalResNetSpec(inputChannels: 1, height: 8, width: 8, classes: 10, blocksPerStage: n,
                                               widths: widths, isResidual: residual, preactivation: preactivation)
        let network = try ConvolutionalResNet(spec: spec, seed: seed)
        var g = SeededGenerator(seed: seed + 100)
        var buffers: [String: Tensor] = [:]
        for (name, value) in network.buffers {
            buffers[name] = name.hasSuffix("running_var")
                ? try Tensor.randomUniform(value.shape, low: 0.5, high: 1.5, using: &g)
                : try Tensor.randomNormal(value.shape, standardDeviation: meanSpread, using: &g)
        }
        try network.network.loadBuffers(buffers)
        return network
    }

    /// `½‖head(x_L)‖²`, the loss of `resode eval`'s gradient file, on the chain's output.
    static func halfSquaredLogits(_ parts: ConvolutionalResNetParts) -> StateLoss {
        { x in try parts.head(x).square().sum().scaled(by: 0.5) }
    }

    @Test("stem → chain → head reproduces the network's logits (evaluation mode) to 1e-12",
          arguments: [(1, false, true), (2, false, true), (1, false, false), (1, true, true)])
    func partsReproduceTheNetwork(_ n: Int, _ preactivation: Bool, _ residual: Bool) throws {
        let network = try Self.network(blocksPerStage: n, residual: residual, preactivation: preactivation)
        let parts = try ConvolutionalResNetParts(network)
        #expect(parts.chain.depth == 3 * n)
        let x = try Fixtures.normal([3, 1, 8, 8], seed: 11)
        let reference = try network.forward(Variable(x), parameters: network.parameters.values.map { Variable($0) })
        let logits = try parts.logits(Variable(x), through: parts.chain)
        #expect(try logits.value.relativeDifference(to: reference.value) <= 1e-12)
        #expect(try BlockChain(network).depth == 3 * n)
    }

    @Test("identity part (through S) + residual part (through G) = the block's VJP to 1e-12, projection blocks included")
    func gradientSplitSumsToTheBlockVJP() throws {
        let network = try Self.network(blocksPerStage: 2)
        let parts = try ConvolutionalResNetParts(network)
        let x0 = try parts.stem(Variable(try Fixtures.normal([2, 1, 8, 8], seed: 12))).value
        let profile = try GradientFlow.measure(parts.chain, at: x0, loss: Self.halfSquaredLogits(parts))
        #expect(profile.splits.count == 6)
        for (l, split) in profile.splits.enumerated() {
            let sum = try split.identityPart + split.residualPart
            #expect(try sum.relativeDifference(to: split.total) <= 1e-12, "block \(l)")
            #expect(split.identityPart.l2Norm() > 0 && split.residualPart.l2Norm() > 0, "block \(l)")
        }
        // Blocks 2 and 4 project (16→32, 32→64 channels, stride 2): their identity part has the input's shape.
        #expect(profile.splits[2].identityPart.shape == [2, 16, 8, 8] && profile.splits[3].total.shape == [2, 32, 4, 4])
        // ∂ℓ/∂x_0 from the block-by-block split equals one reverse pass through the whole chain.
        let loss = Self.halfSquaredLogits(parts)
        let (_, reference) = try valueWithGradient(at: x0) { try loss(parts.chain.forward($0)) }
        #expect(try profile.splits[0].total.relativeDifference(to: reference) <= 1e-12)
    }

    @Test("‖∂ℓ/∂x_0‖ of the conv ResNet exceeds its plain twin's (same weights), n = 1 and 2", arguments: [1, 2])
    func inputGradientOfResNetExceedsPlainTwin(_ n: Int) throws {
        let network = try Self.network(blocksPerStage: n)
        let parts = try ConvolutionalResNetParts(network)
        let x0 = try parts.stem(Variable(try Fixtures.normal([4, 1, 8, 8], seed: 13))).value
        let comparison = try GradientFlow.compareWithPlainTwin(parts.chain, at: x0, loss: Self.halfSquaredLogits(parts))
        let (residual, plain) = (comparison.residual.gradientNorms[0], comparison.plain.gradientNorms[0])
        print("conv n=\(n): ‖∂ℓ/∂x_0‖ ResNet \(residual), plain twin \(plain), ratio \(residual / plain)")
        #expect(residual > plain)
        #expect(comparison.plain.identityNorms.allSatisfy { $0 == 0 })
    }

    @Test("the JVP-assembled Jacobian of the conv chain (1024 inputs → 256 outputs) equals central differences")
    func jacobianMatchesFiniteDifferences() throws {
        let network = try Self.network(blocksPerStage: 1, widths: [4, 8, 16])
        let parts = try ConvolutionalResNetParts(network)
        let sample = try parts.stem(Variable(try Fixtures.normal([1, 1, 8, 8], seed: 14))).value
        let jacobian = try SampleJacobian(of: parts.chain, at: sample)
        #expect(jacobian.columns == 4 * 8 * 8 && jacobian.rows == 16 * 2 * 2)
        let step = 1e-6
        var worst = 0.0, scale = 0.0
        for j in 0..<jacobian.columns {
            var plus = sample, minus = sample
            plus[flat: j] += step
            minus[flat: j] -= step
            let difference = try (parts.chain(plus) - parts.chain(minus)).scalars
            for i in 0..<jacobian.rows {
                worst = Swift.max(worst, Swift.abs(jacobian.matrix[i * jacobian.columns + j] - difference[i] / (2 * step)))
                scale = Swift.max(scale, Swift.abs(jacobian.matrix[i * jacobian.columns + j]))
            }
        }
        print("conv chain Jacobian: max |JVP − central difference| = \(worst), max |J_ij| = \(scale), σ₁ = \(jacobian.spectralNorm)")
        #expect(scale > 0 && worst <= 1e-6 * scale)
        // The singular values carry the Frobenius norm: Σσ² = Σ J_ij².
        let frobenius = jacobian.matrix.reduce(0) { $0 + $1 * $1 }
        #expect(jacobian.singularValues.count == 64)
        #expect(Fixtures.close(jacobian.singularValues.reduce(0) { $0 + $1 * $1 }, frobenius, 1e-10))
        // A whole-network Jacobian (image → logits), the stem and head included.
        let whole = try SampleJacobian(of: { try parts.logits($0, through: parts.chain) }, at: try Fixtures.normal([1, 1, 8, 8], seed: 15))
        #expect(whole.rows == 10 && whole.columns == 64)
    }

    /// The output is the chain's final state `x_L` (before pooling and read-out), and the running
    /// means are zero: with random weights the plain twin shrinks its input at every block, so with
    /// non-zero running means (and in its logits, through the read-out's bias) its output is nearly a
    /// constant that no lesion of an early block can change. With zero means and shifts every block is
    /// positively homogeneous and the relative change measures what the lesion does to the signal.
    @Test("deleting one block changes the output x_L less in the conv ResNet than in its plain twin")
    func lesionHurtsResNetLessThanPlainTwin() throws {
        let network = try Self.network(blocksPerStage: 2, meanSpread: 0)
        let parts = try ConvolutionalResNetParts(network)
        let x = Variable(try Fixtures.normal([8, 1, 8, 8], seed: 16))
        let x0 = try parts.stem(x).value
        func relativeChange(_ chain: BlockChain, deleting l: Int) throws -> Double {
            let intact = try chain(x0)
            let lesion = try LesionStudy.deleting([l], from: chain) { lesioned in
                try (lesioned(x0) - intact).l2Norm() / intact.l2Norm()
            }
            return lesion.value
        }
        for l in [1, 3, 5] {  // identity-shortcut blocks: deleting them keeps the shapes in both twins
            let residual = try relativeChange(parts.chain, deleting: l)
            let plain = try relativeChange(parts.chain.withSkips(false), deleting: l)
            print("conv lesion of block \(l): relative change of x_L ResNet \(residual), plain twin \(plain)")
            #expect(residual < plain, "block \(l)")
        }
        // Deleting a projection block keeps its shortcut x ↦ ReLU(S(x)): the shapes still fit.
        let projection = try parts.chain.removingBlocks([2])
        #expect(projection.depth == 6)
        #expect(try parts.logits(x, through: projection).value.shape == [8, 10])
    }

    @Test("paths: the 2^L linearised path gradients through shortcuts and branches sum to ∂ℓ/∂x_0; lengths Binomial(L, ½)")
    func pathsSumToTheGradient() throws {
        let network = try Self.network(blocksPerStage: 1)
        let parts = try ConvolutionalResNetParts(network)
        let x0 = try parts.stem(Variable(try Fixtures.normal([2, 1, 8, 8], seed: 17))).value
        let loss = Self.halfSquaredLogits(parts)
        let paths = try LinearizedPaths(of: parts.chain, at: x0, loss: loss)
        var sum = Tensor.zeros(like: x0)
        for mask in 0..<8 {
            sum = try sum + paths.gradient(through: Set((0..<3).filter { mask & (1 << $0) != 0 }))
        }
        let total = try GradientFlow.measure(parts.chain, at: x0, loss: loss).splits[0].total
        #expect(try sum.relativeDifference(to: total) <= 1e-12)
        let lengths = try PathLengthDistribution(of: parts.chain)
        #expect(lengths.counts == [1, 3, 3, 1])
        #expect(throws: AnalysisError.requiresSkipConnection(block: 0, measurement: "the path-length distribution")) {
            try PathLengthDistribution(of: parts.chain.withSkips(false))
        }
    }

    @Test("measurements built on the fields F_l alone refuse blocks with a shortcut or an output activation")
    func eulerOnlyMeasurementsRefuseConvBlocks() throws {
        let parts = try ConvolutionalResNetParts(try Self.network(blocksPerStage: 1, widths: [2, 2, 2]))
        let sample = try parts.stem(Variable(try Fixtures.normal([1, 1, 8, 8], seed: 18))).value
        #expect(throws: AnalysisError.self) { try JacobianNormBound(of: parts.chain, at: sample) }
        #expect(throws: AnalysisError.self) { try PathDecomposition(of: parts.chain, at: sample) }
    }
}
