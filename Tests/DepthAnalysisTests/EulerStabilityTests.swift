// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
@testable import DepthAnalysis

@Suite("Euler stability of residual blocks: |1 + hλ| ≤ 1")
struct EulerStabilityTests {
    @Test("F(x) = λx, λ < 0: every hλ is inside iff h|λ| ≤ 2, and the amplification is |1 + hλ|",
          arguments: [0.5, 1.0, 1.9, 2.0, 2.1, 3.0])
    func scalarDecay(_ hTimesMagnitude: Double) throws {
        let lambda = -4.0, h = hTimesMagnitude / 4
        let block = try NetworkBlock(field: { x in try x.scaled(by: lambda) }, stepSize: h, hasSkip: true)
        let chain = BlockChain(blocks: Array(repeating: block, count: 3))
        let report = try EulerStabilityReport(of: chain, at: Fixtures.normal([5, 2], seed: 1), tolerance: 1e-12)
        #expect(report.fractionInside == (hTimesMagnitude <= 2 ? 1 : 0))
        #expect(abs(report.maximumAmplification - abs(1 + h * lambda)) <= 1e-15)
        #expect(report.scaledEigenvalues.count == 3 && report.scaledEigenvalues[0].count == 5)
        #expect(report.scaledEigenvalues[2][4].allSatisfy { $0.real == h * lambda && $0.imaginary == 0 })
    }

    @Test("an antisymmetric field's eigenvalues hλ = ±ihω lie just outside the disc (|1 ± ihω| > 1)")
    func rotationIsMarginallyUnstable() throws {
        let chain = try BlockChain.linear(Tensor([[0, -1], [1, 0]]), depth: 2, stepSize: 0.1, hasSkips: true)
        let report = try EulerStabilityReport(of: chain, at: Tensor([[1.0, 0.0]]), tolerance: 0)
        #expect(report.fractionInside == 0)
        #expect(abs(report.maximumAmplification - (1.01).squareRoot()) <= 1e-15)
    }

    @Test("a plain block and a negative tolerance are typed errors")
    func badInput() throws {
        let plain = try BlockChain.linear(Tensor([[1.0]]), depth: 2, stepSize: 1, hasSkips: false)
        #expect(throws: AnalysisError.requiresSkipConnection(block: 0, measurement: "the Euler stability analysis")) {
            try EulerStabilityReport(of: plain, at: Tensor([[1.0]]), tolerance: 0)
        }
        #expect(throws: AnalysisError.self) { try EulerStabilityReport(of: plain.withSkips(true), at: Tensor([[1.0]]), tolerance: -1) }
    }
}
