// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
@testable import DepthAnalysis

@Suite("Long skips keep the shortest gradient path constant in depth")
struct LongSkipTests {
    @Test("U-Net shortest input–output path is 2 blocks at every depth; without skips it is 2n")
    func shortestPaths() throws {
        for n in 1...12 {
            let network = try LongSkipNetwork(width: 2, levels: n, hasLongSkips: true, seed: 1)
            #expect(try network.computationGraph.shortestInputOutputPath == 2)
            #expect(try network.computationGraph.longestInputOutputPath == 2 * n)
            #expect(try network.withLongSkips(false).computationGraph.shortestInputOutputPath == 2 * n)
        }
    }

    @Test("a residual chain's shortest path is 0 blocks and its longest L; a plain chain's are both L")
    func chainGraphs() throws {
        let chain = try BlockChain.linear(Tensor([[1.0]]), depth: 7, stepSize: 1, hasSkips: true)
        #expect(try chain.computationGraph.shortestInputOutputPath == 0)
        #expect(try chain.computationGraph.longestInputOutputPath == 7)
        #expect(try chain.withSkips(false).computationGraph.shortestInputOutputPath == 7)
    }

    @Test("the input gradient without long skips decays with depth; with them it does not")
    func inputGradientNorms() throws {
        let rows = try LongSkipStudy.measure(levels: [1, 4, 12], width: 4, batch: 3, seed: 5)
        #expect(rows.map(\.shortestPathWithSkips) == [2, 2, 2])
        #expect(rows.map(\.shortestPathWithoutSkips) == [2, 8, 24])
        let plain = rows.map(\.inputGradientNormWithoutSkips), skips = rows.map(\.inputGradientNormWithSkips)
        #expect(plain[2] < 1e-3 * plain[0])
        #expect(skips[2] > 1e3 * plain[2])
    }

    @Test("a graph edge that is not from a lower to a higher node is a typed error")
    func badGraph() {
        #expect(throws: AnalysisError.self) { try ComputationGraph(nodeCount: 3, edges: [.init(from: 2, to: 1, nonlinearBlocks: 1)]) }
        #expect((try? ComputationGraph(nodeCount: 3, edges: [.init(from: 0, to: 1, nonlinearBlocks: 1)]))?.shortestInputOutputPath == nil)
    }
}
