// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
@testable import DepthAnalysis

@Suite("The boosting view: the error each block removes")
struct BoostingViewTests {
    @Test("blocks x + ½(c − x) from x₀ = 0 halve the residual: ‖y − x_l‖ = ‖y‖·2^{−l} exactly")
    func halvingResidual() throws {
        let target = try Tensor([[3.0, -4.0], [3.0, -4.0]])
        let row = Tensor([3.0, -4.0])
        let block = try NetworkBlock(field: { x in try Variable(row) - x }, stepSize: 0.5, hasSkip: true)
        let chain = BlockChain(blocks: Array(repeating: block, count: 6))
        let fit = try BoostingView.stagewiseFit(of: chain, inputs: Tensor.zeros([2, 2]), targets: target, readout: { $0 })
        let norm = target.l2Norm()
        #expect(fit.residualNorms == (0...6).map { norm / Double(1 << $0) })
        #expect(Fixtures.close(fit.meanSquaredErrors[0], 12.5, 1e-15))
        #expect(fit.improvements.count == 6 && fit.improvements.allSatisfy { $0 > 0 })
        #expect(try BoostingView.truncationLosses(of: chain, inputs: Tensor.zeros([2, 2]), evaluate: { $0.l2Norm() }).count == 7)
    }

    @Test("a readout of the wrong shape is a typed error")
    func badReadout() throws {
        let chain = try BlockChain.linear(Tensor([[1.0]]), depth: 1, stepSize: 1, hasSkips: true)
        #expect(throws: AnalysisError.shapeMismatch(what: "the readout's prediction", expected: [1, 2], got: [1, 1])) {
            try BoostingView.stagewiseFit(of: chain, inputs: Tensor([[1.0]]), targets: Tensor([[1.0, 2.0]]), readout: { $0 })
        }
    }
}
