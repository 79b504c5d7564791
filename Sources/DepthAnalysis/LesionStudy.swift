// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The error after one lesion: which blocks were deleted or how they were reordered, and the result.
public struct Lesion: Sendable, Equatable {
    /// The blocks deleted (`x_{l+1} = x_l`), ascending; empty for a pure reordering.
    public let deletedBlocks: [Int]
    /// The order the remaining blocks ran in (`order[k]` ran k-th, original indices).
    public let order: [Int]
    /// The evaluation of the lesioned network (e.g. its test error or loss).
    public let value: Double
}

/// The mean and spread of the evaluation over random lesions of one size.
public struct LesionSummary: Sendable, Equatable {
    /// The number of blocks deleted, or of random pair swaps made.
    public let size: Int
    /// Each lesion of this size that was evaluated.
    public let lesions: [Lesion]
    /// The mean of `lesions.map(\.value)`.
    public var mean: Double { lesions.isEmpty ? .nan : lesions.reduce(0) { $0 + $1.value } / Double(lesions.count) }
    /// The population standard deviation of the values.
    public var standardDeviation: Double {
        guard !lesions.isEmpty else { return .nan }
        let m = mean
        return (lesions.reduce(0) { $0 + ($1.value - m) * ($1.value - m) } / Double(lesions.count)).squareRoot()
    }
}

/// Lesion studies of a residual network, the test of the "ensemble of paths" view:
/// deleting block `l` (`x_{l+1} = x_l`, only its skip remains) removes exactly the half of
/// the `2^L` paths that pass through its branch, so a residual network degrades smoothly
/// with the number of deleted blocks, whereas deleting a block of a plain network cuts every path.
/// Reordering blocks keeps each block's parameters (and time) and changes only their order.
///
/// Each study calls `evaluate` on the lesioned chain (for example, the test error of
/// `readout(chain(x))`), and returns plain numbers for tables.
///
/// Reference: Veit, Wilber & Belongie, "Residual networks behave like ensembles of relatively
/// shallow networks" (NeurIPS 2016), §4 (Figs. 3–5); Papers/veit2016-ensembles.
public enum LesionStudy {
    /// The evaluation of `chain` with each single block deleted in turn (`depth` lesions).
    public static func deletingEachBlock(of chain: BlockChain, evaluate: (BlockChain) throws -> Double) throws -> [Lesion] {
        try (0..<chain.depth).map { l in
            Lesion(deletedBlocks: [l], order: (0..<chain.depth).filter { $0 != l },
                   value: try evaluate(try chain.removingBlocks([l])))
        }
    }

    /// The evaluation with a chosen set of blocks deleted.
    /// - Throws: `AnalysisError.blockIndexOutOfRange` for a bad index.
    public static func deleting(_ blocks: Set<Int>, from chain: BlockChain,
                                evaluate: (BlockChain) throws -> Double) throws -> Lesion {
        let lesioned = try chain.removingBlocks(blocks)
        return Lesion(deletedBlocks: blocks.sorted(), order: (0..<chain.depth).filter { !blocks.contains($0) },
                      value: try evaluate(lesioned))
    }

    /// For each `k` in `counts`, `samples` random sets of `k` blocks deleted (uniform without
    /// replacement, seeded), each evaluated (Veit et al., Fig. 5a).
    /// - Throws: `AnalysisError.invalidArgument` for `k` outside `0...depth` or `samples < 1`.
    public static func deletingRandomBlocks(from chain: BlockChain, counts: [Int], samples: Int, seed: UInt64,
                                            evaluate: (BlockChain) throws -> Double) throws -> [LesionSummary] {
        guard samples >= 1 else { throw AnalysisError.invalidArgument(name: "samples", value: "\(samples)", reason: "must be ≥ 1") }
        var generator = SeededGenerator(seed: seed)
        return try counts.map { k in
            guard (0...chain.depth).contains(k) else {
                throw AnalysisError.invalidArgument(name: "counts", value: "\(k)", reason: "must be in 0...\(chain.depth), the depth")
            }
            let lesions = try (0..<samples).map { _ in
                try deleting(Set(generator.permutation(chain.depth).prefix(k)), from: chain, evaluate: evaluate)
            }
            return LesionSummary(size: k, lesions: lesions)
        }
    }

    /// The evaluation with blocks applied in `order` (a permutation of `0..<depth`).
    public static func reordering(_ chain: BlockChain, order: [Int], evaluate: (BlockChain) throws -> Double) throws -> Lesion {
        Lesion(deletedBlocks: [], order: order, value: try evaluate(try chain.reorderingBlocks(order)))
    }

    /// For each `k` in `swapCounts`, `samples` random reorderings made by `k` swaps of two
    /// distinct random blocks (Veit et al., Fig. 5b), each evaluated.
    /// - Throws: `AnalysisError.invalidArgument` for a negative count, `samples < 1`, or swaps in a chain of depth < 2.
    public static func swappingRandomBlocks(of chain: BlockChain, swapCounts: [Int], samples: Int, seed: UInt64,
                                            evaluate: (BlockChain) throws -> Double) throws -> [LesionSummary] {
        guard samples >= 1 else { throw AnalysisError.invalidArgument(name: "samples", value: "\(samples)", reason: "must be ≥ 1") }
        var generator = SeededGenerator(seed: seed)
        return try swapCounts.map { k in
            guard k >= 0, k == 0 || chain.depth >= 2 else {
                throw AnalysisError.invalidArgument(name: "swapCounts", value: "\(k)",
                                                    reason: "must be ≥ 0, and swaps need depth ≥ 2 (depth \(chain.depth))")
            }
            let lesions = try (0..<samples).map { _ in
                var order = Array(0..<chain.depth)
                for _ in 0..<k {
                    let i = generator.nextIndex(below: chain.depth)
                    var j = generator.nextIndex(below: chain.depth - 1)
                    if j >= i { j += 1 }
                    order.swapAt(i, j)
                }
                return try reordering(chain, order: order, evaluate: evaluate)
            }
            return LesionSummary(size: k, lesions: lesions)
        }
    }
}
