// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE
import Testing

/// The code of the article "Measuring why residual connections work", run as written.
@Suite("Article: Measuring why residual connections work")
struct MeasuringResidualConnectionsArticleTests {
    @Test("gradient highway, Jacobian spectrum, lesions and path lengths as the article shows them")
    func measurements() throws {
        // snippet: chain
        let spec = try ResidualNetworkSpec(kind: .resnet, dimension: 8, hidden: 16, depth: 30, stepSize: 1)
        let network = try ResidualNetwork(spec: spec, seed: 7)
        let chain = try BlockChain(network)
        var generator = SeededGenerator(seed: 8)
        let x0 = try Tensor.randomNormal([16, 8], using: &generator)
        // snippet: gradients
        let flow = try GradientFlow.compareWithPlainTwin(chain, at: x0) { xL in try xL.square().sum() }
        print("‖∂ℓ/∂x₀‖ residual:", flow.residual.gradientNorms[0], " plain:", flow.plain.gradientNorms[0])
        print("identity vs residual part at block 0:", flow.residual.identityNorms[0], flow.residual.residualNorms[0])
        // snippet: spectrum
        let residualSpectrum = try JacobianSpectrum(of: chain, at: x0.slice(0..<1))
        let plainSpectrum = try JacobianSpectrum(of: chain.withSkips(false), at: x0.slice(0..<1))
        print("σ_max of ∂x_L/∂x_0: residual", residualSpectrum.spectralNorm, " plain", plainSpectrum.spectralNorm)
        // snippet: lesions
        let target = try chain(x0)
        let lesions = try LesionStudy.deletingEachBlock(of: chain) { lesioned in
            try (lesioned(x0) - target).l2Norm() / target.l2Norm()
        }
        print("relative change after deleting one block:", lesions.map(\.value).max()!)
        let paths = try PathLengthDistribution(depth: 30)
        print("paths:", paths.pathCount, " mean length:", paths.meanLength, "±", paths.standardDeviation)
        // end snippet
        #expect(flow.residual.gradientNorms[0] > 1e3 * flow.plain.gradientNorms[0])
        #expect(residualSpectrum.spectralNorm > 1e3 * plainSpectrum.spectralNorm)
        #expect(lesions.map(\.value).max()! < 1)
        #expect(paths.pathCount == pow(2, 30))
    }
}
