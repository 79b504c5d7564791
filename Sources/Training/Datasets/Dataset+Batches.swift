// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension Dataset {
    /// Sample indices for one epoch of minibatch training: a seeded permutation of `0..<n`
    /// cut into consecutive batches of `batchSize`; the last batch holds the `n mod batchSize`
    /// leftover samples when that is not zero. Every index appears exactly once.
    /// - Parameters:
    ///   - batchSize: samples per batch, `≥ 1`.
    ///   - generator: advanced by the shuffle, so successive epochs get fresh orders.
    /// - Throws: `DatasetError.invalidParameter` when `batchSize < 1`.
    public func shuffledBatches(batchSize: Int, using generator: inout SeededGenerator) throws -> [[Int]] {
        guard batchSize >= 1 else {
            throw DatasetError.invalidParameter(name: "batchSize", reason: "must be ≥ 1; got \(batchSize)")
        }
        let permutation = generator.permutation(count)
        return stride(from: 0, to: count, by: batchSize).map {
            Array(permutation[$0..<min($0 + batchSize, count)])
        }
    }

    /// One epoch of minibatches as data sets: `subset(b)` for each `b` of
    /// `shuffledBatches(batchSize:using:)`.
    /// - Throws: `DatasetError.invalidParameter` when `batchSize < 1`.
    public func batches(size batchSize: Int, using generator: inout SeededGenerator) throws -> [Dataset] {
        try shuffledBatches(batchSize: batchSize, using: &generator).map { try subset($0) }
    }
}
