// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import Testing

@Suite("Batched LU of d × d blocks")
struct BatchedLUFactorizationTests {
    /// Deterministic, well-conditioned blocks: a pseudo-random matrix plus `d·I`, column major.
    static func blocks(batch: Int, dimension d: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<(batch * d * d)).map { k in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53) - 0.5
            let within = k % (d * d)
            return u + (within % d == within / d ? Double(d) : 0)
        }
    }

    /// `M·x` (or `Mᵀ·x`) block by block.
    static func multiply(_ blocks: [Double], _ x: [Double], batch: Int, dimension d: Int, transposed: Bool) -> [Double] {
        var y = [Double](repeating: 0, count: batch * d)
        for b in 0..<batch {
            for i in 0..<d {
                for j in 0..<d {
                    let entry = transposed ? blocks[b * d * d + i * d + j] : blocks[b * d * d + j * d + i]
                    y[b * d + i] += entry * x[b * d + j]
                }
            }
        }
        return y
    }

    @Test("solve and solveTransposed return M⁻¹b and M⁻ᵀb to round-off for 1×1, 4×4 and 16×16 blocks",
          arguments: [(7, 1), (5, 4), (3, 16)])
    func solvesToRoundOff(batch: Int, dimension d: Int) throws {
        let blocks = Self.blocks(batch: batch, dimension: d, seed: UInt64(batch * 31 + d))
        let lu = try BatchedLUFactorization(blocks: blocks, batch: batch, dimension: d)
        let rhs = (0..<(batch * d)).map { Double($0 % 7) - 3.0 }
        for transposed in [false, true] {
            var x = rhs
            if transposed { try lu.solveTransposed(&x) } else { try lu.solve(&x) }
            let residual = zip(Self.multiply(blocks, x, batch: batch, dimension: d, transposed: transposed), rhs)
                .map { Swift.abs($0 - $1) }.max() ?? 0
            #expect(residual < 1e-13, "transposed \(transposed): residual \(residual)")
        }
    }

    @Test("I − s·J is formed and factored: solving with it inverts the explicit matrix")
    func iterationMatrix() throws {
        let (batch, d, s) = (4, 3, 0.37)
        let jacobian = Self.blocks(batch: batch, dimension: d, seed: 9)
        var matrix = jacobian.map { -s * $0 }
        for b in 0..<batch { for i in 0..<d { matrix[b * d * d + i * d + i] += 1 } }
        let lu = try BatchedLUFactorization(identityMinus: s, times: jacobian, batch: batch, dimension: d)
        var x = (0..<(batch * d)).map { Double($0) }
        try lu.solve(&x)
        let back = Self.multiply(matrix, x, batch: batch, dimension: d, transposed: false)
        #expect(zip(back, (0..<(batch * d)).map { Double($0) }).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
    }

    @Test("A singular block, a non-finite entry and wrong counts are typed errors naming the block")
    func badInput() throws {
        var blocks = Self.blocks(batch: 3, dimension: 2, seed: 1)
        for k in 8..<12 { blocks[k] = 0 }  // block 2 is zero
        #expect(throws: BatchedLinearAlgebraError.singularBlock(block: 2)) {
            try BatchedLUFactorization(blocks: blocks, batch: 3, dimension: 2)
        }
        var nonFinite = Self.blocks(batch: 3, dimension: 2, seed: 1)
        nonFinite[4 + 1] = .nan  // block 1, column 0, row 1
        #expect(throws: BatchedLinearAlgebraError.nonFiniteEntry(block: 1, row: 1, column: 0)) {
            try BatchedLUFactorization(blocks: nonFinite, batch: 3, dimension: 2)
        }
        #expect(throws: BatchedLinearAlgebraError.shapeMismatch(batch: 3, dimension: 2, count: 11)) {
            try BatchedLUFactorization(blocks: Array(blocks.prefix(11)), batch: 3, dimension: 2)
        }
        #expect(throws: BatchedLinearAlgebraError.invalidDimensions(batch: 0, dimension: 2)) {
            try BatchedLUFactorization(blocks: [], batch: 0, dimension: 2)
        }
        let lu = try BatchedLUFactorization(blocks: Self.blocks(batch: 3, dimension: 2, seed: 1), batch: 3, dimension: 2)
        var short = [1.0, 2.0]
        #expect(throws: BatchedLinearAlgebraError.shapeMismatch(batch: 3, dimension: 2, count: 2)) { try lu.solve(&short) }
    }
}
