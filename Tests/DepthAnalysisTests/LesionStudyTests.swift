// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
@testable import DepthAnalysis

@Suite("Lesion studies: deleting and reordering blocks")
struct LesionStudyTests {
    /// Scalar blocks x ↦ (1 + a_l)·x evaluated at x = 1: the output is ∏(1 + a_l) over the remaining blocks.
    let factors = [0.5, 1.0, -0.5, 0.25]
    var chain: BlockChain { try! BlockChain.linear(factors.map { try Tensor([[$0]]) }, stepSize: 1, hasSkips: true) }
    let evaluate: (BlockChain) throws -> Double = { try $0(Tensor([[1.0]])).scalars[0] }

    @Test("deleting block l divides the output by (1 + a_l), for every l")
    func singleDeletions() throws {
        let full = factors.reduce(1) { $0 * (1 + $1) }
        let lesions = try LesionStudy.deletingEachBlock(of: chain, evaluate: evaluate)
        #expect(lesions.map(\.deletedBlocks) == [[0], [1], [2], [3]])
        for (l, lesion) in lesions.enumerated() { #expect(Fixtures.close(lesion.value, full / (1 + factors[l]), 1e-15)) }
    }

    @Test("random deletions of k blocks leave k factors out; reordering commuting blocks changes nothing")
    func randomLesions() throws {
        let summaries = try LesionStudy.deletingRandomBlocks(from: chain, counts: [0, 2, 4], samples: 5, seed: 1, evaluate: evaluate)
        #expect(summaries.map(\.size) == [0, 2, 4])
        for lesion in summaries[1].lesions {
            #expect(lesion.deletedBlocks.count == 2)
            let kept = lesion.order.reduce(1.0) { $0 * (1 + factors[$1]) }
            #expect(Fixtures.close(lesion.value, kept, 1e-15))
        }
        #expect(summaries[2].mean == 1 && summaries[2].standardDeviation == 0)
        let swaps = try LesionStudy.swappingRandomBlocks(of: chain, swapCounts: [1, 3], samples: 4, seed: 2, evaluate: evaluate)
        let full = factors.reduce(1) { $0 * (1 + $1) }
        for summary in swaps {
            for lesion in summary.lesions {
                #expect(Set(lesion.order) == Set(0..<4))
                #expect(Fixtures.close(lesion.value, full, 1e-15))
            }
        }
        #expect(swaps[0].lesions.allSatisfy { zip($0.order, 0..<4).filter { $0 != $1 }.count == 2 })
    }

    @Test("a deletion count beyond the depth is a typed error")
    func badCount() {
        #expect(throws: AnalysisError.invalidArgument(name: "counts", value: "5", reason: "must be in 0...4, the depth")) {
            try LesionStudy.deletingRandomBlocks(from: chain, counts: [5], samples: 1, seed: 1, evaluate: evaluate)
        }
    }
}
