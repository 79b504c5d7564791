// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// How much gradient the paths of each length carry (Veit et al. 2016, §5, Fig. 6).
///
/// With `g_S` the gradient at the input carried by the path through the branches in `S`
/// (see `LinearizedPaths`), the mean magnitude of a path of length `k` is
///
///     m_k = (1/C(L,k)) Σ_{|S| = k} ‖g_S‖
///
/// and the paths of length `k` together carry `T_k = C(L,k)·m_k`.
///
/// **Estimator.** For each `k`, when `C(L,k) ≤ samplesPerLength` every subset is
/// enumerated and `m_k` is exact; otherwise `samplesPerLength` subsets `S` of size `k` are
/// drawn uniformly (a seeded partial Fisher–Yates shuffle of the blocks, independent draws)
/// and `m̂_k` is their sample mean of `‖g_S‖`, an unbiased estimate of `m_k`. Each `g_S`
/// costs `k` branch pullbacks at the recorded data states.
///
/// The *effective paths* are the shortest range of lengths `[a, b]` whose `T_k` make up a
/// given fraction of `Σ_k T_k`: in Veit et al.'s 54-block ResNet, lengths 5 to 17 carry
/// almost all the gradient, though the median path length is 27.
///
/// Reference: Veit, Wilber & Belongie, NeurIPS 2016, §5; Papers/veit2016-ensembles.
public struct PathGradientDistribution: Sendable, Equatable {
    /// `L`.
    public let depth: Int
    /// `C(L, k)`, `k = 0, …, L`.
    public let pathCounts: [Double]
    /// `m_k` (exact) or `m̂_k` (sampled): the mean gradient norm of one path of length `k`.
    public let meanMagnitudes: [Double]
    /// The number of paths evaluated for each length.
    public let pathsEvaluated: [Int]
    /// Whether each `m_k` came from enumerating all `C(L,k)` paths.
    public let isExact: [Bool]

    /// `T_k = C(L,k)·m_k`, the gradient magnitude carried by all paths of length `k`.
    public var totalMagnitudes: [Double] { zip(pathCounts, meanMagnitudes).map { $0 * $1 } }

    /// The length `k` with the largest `T_k`.
    public var dominantLength: Int {
        let t = totalMagnitudes
        return t.indices.max { t[$0] < t[$1] } ?? 0
    }

    /// The shortest range `[a, b]` of lengths with `Σ_{k=a}^{b} T_k ≥ fraction·Σ_k T_k`
    /// (the one with the most mass among equally short ranges).
    /// - Throws: `AnalysisError.invalidArgument` unless `0 < fraction ≤ 1`.
    public func effectivePathLengths(massFraction fraction: Double) throws -> ClosedRange<Int> {
        guard fraction > 0, fraction <= 1 else {
            throw AnalysisError.invalidArgument(name: "massFraction", value: "\(fraction)", reason: "must be in (0, 1]")
        }
        let t = totalMagnitudes
        let target = fraction * t.reduce(0, +)
        var best = 0...(t.count - 1)
        var bestMass = -Double.infinity
        for a in t.indices {
            var mass = 0.0
            for b in a..<t.count {
                mass += t[b]
                if mass >= target * (1 - 1e-12) {
                    let width = b - a, bestWidth = best.upperBound - best.lowerBound
                    if width < bestWidth || (width == bestWidth && mass > bestMass) { best = a...b; bestMass = mass }
                    break
                }
            }
        }
        return best
    }

    /// Estimates `m_k` for every `k = 0, …, L`.
    /// - Parameters:
    ///   - chain: a residual network (every block with a skip).
    ///   - x0: inputs `[batch, d]`; `‖g_S‖` is the Frobenius norm over the batch.
    ///   - loss: `ℓ(x_L)`.
    ///   - samplesPerLength: paths drawn per length when not enumerated.
    ///   - seed: seeds the sampling.
    /// - Throws: `AnalysisError` for plain blocks, `samplesPerLength < 1`, a non-scalar loss.
    public init(of chain: BlockChain, at x0: Tensor, loss: StateLoss, samplesPerLength: Int, seed: UInt64) throws {
        guard samplesPerLength >= 1 else {
            throw AnalysisError.invalidArgument(name: "samplesPerLength", value: "\(samplesPerLength)", reason: "must be ≥ 1")
        }
        let paths = try LinearizedPaths(of: chain, at: x0, loss: loss)
        let counts = try PathLengthDistribution(depth: chain.depth).counts
        let depth = chain.depth
        var generator = SeededGenerator(seed: seed)
        var means: [Double] = [], evaluated: [Int] = [], exact: [Bool] = []
        for k in 0...depth {
            var sets: [Set<Int>] = []
            let enumerate = counts[k] <= Double(samplesPerLength)
            if enumerate {
                sets = PathGradientDistribution.combinations(of: depth, choosing: k).map { Set($0) }
            } else {
                for _ in 0..<samplesPerLength {
                    var blocks = Array(0..<depth)
                    for i in 0..<k { blocks.swapAt(i, i + generator.nextIndex(below: depth - i)) }
                    sets.append(Set(blocks.prefix(k)))
                }
            }
            var total = 0.0
            for s in sets { total += try paths.gradient(through: s).l2Norm() }
            means.append(total / Double(sets.count))
            evaluated.append(sets.count)
            exact.append(enumerate)
        }
        self.depth = depth
        self.pathCounts = counts
        self.meanMagnitudes = means
        self.pathsEvaluated = evaluated
        self.isExact = exact
    }

    /// Every `k`-subset of `0..<n`, in lexicographic order.
    static func combinations(of n: Int, choosing k: Int) -> [[Int]] {
        guard k >= 0, k <= n else { return [] }
        var result: [[Int]] = []
        var current = Array(0..<k)
        while true {
            result.append(current)
            var i = k - 1
            while i >= 0 && current[i] == n - k + i { i -= 1 }
            if i < 0 { break }
            current[i] += 1
            for j in (i + 1)..<k { current[j] = current[j - 1] + 1 }
        }
        return result
    }
}
