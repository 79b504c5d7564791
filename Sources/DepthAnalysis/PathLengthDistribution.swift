// SPDX-License-Identifier: GPL-3.0-or-later

/// The lengths of the paths of a residual network seen as an ensemble (Veit et al. 2016, §3).
///
/// Unrolling `x_{l+1} = x_l + G_l(x_l)` over `L` blocks gives `2^L` paths, one per subset of
/// blocks whose branch is taken (the identity is taken elsewhere); the *length* of a path is
/// the number of branches it passes through. Paths of length `k` number `C(L, k)`, so the
/// lengths follow Binomial(L, ½): mean `L/2`, standard deviation `√L/2`.
///
/// Reference: Veit, Wilber & Belongie, NeurIPS 2016, eq. (3)–(4) and Fig. 6(a);
/// Papers/veit2016-ensembles.
public struct PathLengthDistribution: Sendable, Equatable {
    /// `L`.
    public let depth: Int
    /// `C(L, k)` for `k = 0, …, L`, from Pascal's triangle in `Double`: exact while every
    /// entry is below 2⁵³ (`L ≤ 56`), correctly rounded sums beyond.
    public let counts: [Double]

    /// - Throws: `AnalysisError.invalidArgument` for a negative depth.
    public init(depth: Int) throws {
        guard depth >= 0 else { throw AnalysisError.invalidArgument(name: "depth", value: "\(depth)", reason: "must be ≥ 0") }
        var row = [1.0]
        row.reserveCapacity(depth + 1)
        for _ in 0..<depth {
            row.append(1)
            for k in stride(from: row.count - 2, to: 0, by: -1) { row[k] += row[k - 1] }
        }
        self.depth = depth
        self.counts = row
    }

    /// The distribution of a chain of residual blocks, `L = chain.depth`. Blocks with a
    /// shortcut `S_l` (a projection) count like identity blocks: each offers two paths, through
    /// `S_l` or through its branch `G_l` (see `LinearizedPaths`).
    /// - Throws: `AnalysisError.requiresSkipConnection` for a plain block (it has one path, not two).
    public init(of chain: BlockChain) throws {
        try chain.requireSkips(for: "the path-length distribution")
        try self.init(depth: chain.depth)
    }

    /// `C(L, k)/2^L`, the fraction of paths of length `k`.
    public var fractions: [Double] {
        let total = counts.reduce(0, +)
        return counts.map { $0 / total }
    }

    /// `2^L`.
    public var pathCount: Double { counts.reduce(0, +) }
    /// `L/2`.
    public var meanLength: Double { Double(depth) / 2 }
    /// `√L/2`.
    public var standardDeviation: Double { Double(depth).squareRoot() / 2 }
}
