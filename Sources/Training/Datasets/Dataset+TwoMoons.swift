// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Dataset {
    /// Two interleaving half circles, as scikit-learn's `make_moons`: 2 classes, 2 features.
    ///
    ///     class 0 (upper, rows 0 ..< n₀):  xⱼ = (cos φⱼ, sin φⱼ) + σ · εⱼ,             φⱼ = π j / (n₀ − 1),  n₀ = ⌊n/2⌋
    ///     class 1 (lower, the other n₁):   xⱼ = (1 − cos ψⱼ, ½ − sin ψⱼ) + σ · εⱼ,     ψⱼ = π j / (n₁ − 1),  n₁ = n − n₀
    ///     εⱼ ~ N(0, I₂)
    ///
    /// The angles are evenly spaced from 0 to π inclusive (a single point sits at angle 0),
    /// so only the noise depends on the seed. Unlike scikit-learn's default, rows are not
    /// shuffled.
    /// - Parameters:
    ///   - count: number of samples `n ≥ 0`.
    ///   - noise: standard deviation `σ ≥ 0` of the isotropic Gaussian noise.
    ///   - seed: fixes the noise.
    ///   - encoding: targets `±1` (`.signed`, the default) or one-hot.
    /// - Throws: `DatasetError.invalidParameter` for a negative count or noise.
    ///
    /// Reference: scikit-learn, `sklearn.datasets.make_moons`.
    public static func twoMoons(count: Int, noise: Double = 0, seed: UInt64,
                                encoding: LabelEncoding = .signed) throws -> Dataset {
        try checkSampleCount(count)
        try checkNoise(noise)
        var generator = SeededGenerator(seed: seed)
        let sizes = twoClassSizes(count)
        var scalars = [Double]()
        scalars.reserveCapacity(2 * count)
        for (size, isUpper) in [(sizes.classZero, true), (sizes.classOne, false)] {
            for j in 0..<size {
                let angle = size > 1 ? Double.pi * Double(j) / Double(size - 1) : 0
                let point = isUpper ? (cos(angle), sin(angle)) : (1 - cos(angle), 0.5 - sin(angle))
                scalars.append(point.0 + noise * generator.nextNormal())
                scalars.append(point.1 + noise * generator.nextNormal())
            }
        }
        return try twoClass(scalars: scalars, count: count, dimension: 2, encoding: encoding)
    }
}
