// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

// Shared by the two-class generators: argument checks and the assembly of a
// [n, d] block where rows 0..<⌊n/2⌋ are class 0 and the rest class 1.
extension Dataset {
    /// Sizes of the two classes of an `n`-sample two-class generator: `(⌊n/2⌋, n − ⌊n/2⌋)`,
    /// as scikit-learn's `make_moons` and `make_circles`.
    static func twoClassSizes(_ count: Int) -> (classZero: Int, classOne: Int) {
        (count / 2, count - count / 2)
    }

    /// Throws unless `count ≥ 0`.
    static func checkSampleCount(_ count: Int) throws {
        guard count >= 0 else {
            throw DatasetError.invalidParameter(name: "count", reason: "must be ≥ 0; got \(count)")
        }
    }

    /// Throws unless the noise standard deviation is finite and `≥ 0`.
    static func checkNoise(_ noise: Double) throws {
        guard noise.isFinite, noise >= 0 else {
            throw DatasetError.invalidParameter(name: "noise", reason: "must be finite and ≥ 0; got \(noise)")
        }
    }

    /// A two-class data set from row-major `scalars` (`count × dimension`), the first
    /// `⌊count/2⌋` rows in class 0 and the rest in class 1.
    static func twoClass(scalars: [Double], count: Int, dimension: Int, encoding: LabelEncoding) throws -> Dataset {
        let sizes = twoClassSizes(count)
        let labels = [Int](repeating: 0, count: sizes.classZero) + [Int](repeating: 1, count: sizes.classOne)
        return try Dataset(inputs: try Tensor(shape: [count, dimension], scalars: scalars),
                           labels: labels, classCount: 2, encoding: encoding)
    }
}
