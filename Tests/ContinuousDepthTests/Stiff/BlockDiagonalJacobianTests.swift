// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Testing
import NetworkLayers
import TensorCore

@Suite("Block-diagonal Jacobians of batched fields")
struct BlockDiagonalJacobianTests {
    @Test("The blocks equal the diagonal blocks of the dense Jacobian of the flattened batch, whose other entries are zero")
    func blocksMatchTheDenseJacobian() throws {
        let field = try NeuralVectorField(field: MLPField(dimension: 3, hidden: 5, activation: .tanh, usesTime: true), seed: 4)
        let x = try StiffProblems.states(count: 4, dimension: 3, seed: 2)
        let t = 0.3
        let blocks = try BlockDiagonalJacobian(of: field, at: x, time: t, parameters: field.parameters.values)
        let dense = try jacobian(at: x) { try field($0, time: t, parameters: field.parameters.values.map { Variable($0) }) }
        let (batch, d) = (4, 3)
        var largestOffBlock = 0.0, largestMismatch = 0.0
        for row in 0..<(batch * d) {
            for column in 0..<(batch * d) {
                let value = dense[row, column]
                if row / d == column / d {
                    let b = row / d
                    largestMismatch = max(largestMismatch,
                                          abs(value - blocks.entry(block: b, row: row % d, column: column % d)))
                } else {
                    largestOffBlock = max(largestOffBlock, abs(value))
                }
            }
        }
        #expect(largestMismatch < 1e-14)
        #expect(largestOffBlock == 0)
        // Not a trivially zero Jacobian.
        #expect(blocks.blocks.map(abs).max()! > 0.01)
    }

    @Test("Robertson's blocks are the analytic Jacobian at each sample")
    func robertsonAnalytic() throws {
        let x = try Tensor([[1, 0, 0], [0.7, 1e-5, 0.3]])
        let blocks = try BlockDiagonalJacobian(of: StiffProblems.robertson, at: x, time: 0, parameters: [])
        for b in 0..<2 {
            let (y2, y3) = (x[b, 1], x[b, 2])
            let analytic = [[-0.04, 1e4 * y3, 1e4 * y2],
                            [0.04, -1e4 * y3 - 6e7 * y2, -1e4 * y2],
                            [0, 6e7 * y2, 0]]
            for i in 0..<3 {
                for j in 0..<3 {
                    #expect(abs(blocks.entry(block: b, row: i, column: j) - analytic[i][j]) <= 1e-12 * max(1, abs(analytic[i][j])))
                }
            }
        }
    }
}
