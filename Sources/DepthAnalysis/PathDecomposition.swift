// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// One path of a residual network: the branches it passes through, and its Jacobian.
public struct PathTerm: Sendable, Equatable {
    /// The blocks whose branch the path takes, ascending (the identity is taken elsewhere).
    public let activeBlocks: [Int]
    /// `∏_{l ∈ activeBlocks, descending} J_l` (the identity for the empty path), row-major `d × d`.
    public let matrix: [Double]
}

/// The end-to-end Jacobian of a residual network at one input, written as the sum of its
/// `2^L` path Jacobians:
///
///     ∂x_L/∂x_0 = ∏_{l=L−1}^{0} (I + J_l) = Σ_{S ⊆ {0,…,L−1}} ∏_{l∈S, descending} J_l,
///     J_l = ∂G_l/∂x(x_l) = h·∂F_l/∂x(x_l)
///
/// For two linear blocks `x + A₁x` then `+ A₂x`: `(I + A₂)(I + A₁) = I + A₁ + A₂ + A₂A₁`.
/// Exponential in `L`, so limited to `L ≤ 16`; for deep networks use `PathGradientDistribution`.
///
/// Reference: Veit, Wilber & Belongie, NeurIPS 2016, eq. (3)–(4); Papers/veit2016-ensembles.
public struct PathDecomposition: Sendable, Equatable {
    /// `d`.
    public let dimension: Int
    /// `J_l` for every block, row-major `d × d`.
    public let blockJacobians: [[Double]]
    /// All `2^L` paths; path `m` takes the branches of the set bits of `m` (bit `l` = block `l`).
    public let terms: [PathTerm]

    /// The largest depth accepted (`2^16` path matrices).
    public static let maximumDepth = 16

    /// Decomposes the chain's Jacobian at one input sample (`[d]` or `[1, d]`).
    /// - Throws: `AnalysisError.requiresSkipConnection` for a plain block,
    ///   `AnalysisError.invalidArgument` for `L > maximumDepth`, shape errors.
    public init(of chain: BlockChain, at sample: Tensor) throws {
        try chain.requireSkips(for: "the path decomposition")
        try chain.requireEulerSteps(for: "the path decomposition")
        guard chain.depth <= PathDecomposition.maximumDepth else {
            throw AnalysisError.invalidArgument(name: "depth", value: "\(chain.depth)",
                                                reason: "2^L path matrices; use at most \(PathDecomposition.maximumDepth) blocks")
        }
        let row = try RowJacobians.asRow(sample)
        let d = row.count
        let states = try chain.states(from: row)
        let jacobians = try chain.blocks.enumerated().map { l, block in
            try RowJacobians.jacobian(of: block.branch, atSample: states[l])
        }
        var terms: [PathTerm] = []
        terms.reserveCapacity(1 << chain.depth)
        for mask in 0..<(1 << chain.depth) {
            let active = (0..<chain.depth).filter { mask & (1 << $0) != 0 }
            var product = DenseMatrix.identity(d)
            for l in active { product = DenseMatrix.product(jacobians[l], product, m: d, k: d, n: d) }
            terms.append(PathTerm(activeBlocks: active, matrix: product))
        }
        self.dimension = d
        self.blockJacobians = jacobians
        self.terms = terms
    }

    /// `Σ_S ∏ J_l`, which equals `∂x_L/∂x_0` up to rounding.
    public var sum: [Double] {
        terms.reduce(into: [Double](repeating: 0, count: dimension * dimension)) { total, term in
            for i in total.indices { total[i] += term.matrix[i] }
        }
    }

    /// `Σ_{|S| = k} ∏ J_l` for `k = 0, …, L`: the Jacobian carried by the paths of each length.
    public var sumsByLength: [[Double]] {
        let depth = blockJacobians.count
        var sums = [[Double]](repeating: [Double](repeating: 0, count: dimension * dimension), count: depth + 1)
        for term in terms {
            let k = term.activeBlocks.count
            for i in sums[k].indices { sums[k][i] += term.matrix[i] }
        }
        return sums
    }
}
