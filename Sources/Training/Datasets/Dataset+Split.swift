// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension Dataset {
    /// A seeded random partition into a training and a test part.
    ///
    ///     π = SeededGenerator(seed).permutation(n)
    ///     test  = samples π[0 ..< m],   m = round(testFraction · n)
    ///     train = samples π[m ..< n]
    ///
    /// The parts are disjoint and together hold every sample once; each part keeps the
    /// original sample order. Not stratified: class proportions vary with the seed.
    /// - Parameters:
    ///   - testFraction: share of the samples put in the test part, in `[0, 1]`.
    ///   - seed: fixes the partition.
    /// - Throws: `DatasetError.invalidParameter` when `testFraction` is outside `[0, 1]`.
    public func split(testFraction: Double, seed: UInt64) throws -> (train: Dataset, test: Dataset) {
        guard testFraction >= 0, testFraction <= 1 else {
            throw DatasetError.invalidParameter(name: "testFraction", reason: "must be in [0, 1]; got \(testFraction)")
        }
        let indices = splitIndices(testFraction: testFraction, seed: seed)
        return (try subset(indices.train), try subset(indices.test))
    }

    /// The sample indices of `split(testFraction:seed:)`, each part sorted ascending.
    /// `testFraction` must already be checked to lie in `[0, 1]`.
    func splitIndices(testFraction: Double, seed: UInt64) -> (train: [Int], test: [Int]) {
        var generator = SeededGenerator(seed: seed)
        let permutation = generator.permutation(count)
        let testCount = min(count, Int((testFraction * Double(count)).rounded()))
        return (permutation[testCount...].sorted(), permutation[..<testCount].sorted())
    }
}
