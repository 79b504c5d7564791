// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Dataset {
    /// Two interleaved Archimedean spirals in the plane: 2 classes, 2 features.
    ///
    ///     tⱼ ~ U(0, 1),   θⱼ = 2π · turns · tⱼ,   sⱼ = tⱼ · (cos θⱼ, sin θⱼ)
    ///     class 0 (rows 0 ..< ⌊n/2⌋):   xⱼ = +sⱼ + σ · εⱼ
    ///     class 1 (the other rows):     xⱼ = −sⱼ + σ · ε′ⱼ,     ε, ε′ ~ N(0, I₂)
    ///
    /// The two classes share the parameters tⱼ, so without noise class 1 is the point
    /// reflection of class 0 through the origin: row `⌊n/2⌋ + j` is `−(row j)`.
    /// - Parameters:
    ///   - count: number of samples `n ≥ 0`.
    ///   - turns: revolutions of each spiral, finite and `> 0`.
    ///   - noise: standard deviation `σ ≥ 0` of the isotropic Gaussian noise.
    ///   - seed: fixes the samples.
    ///   - encoding: targets `±1` (`.signed`, the default) or one-hot.
    /// - Throws: `DatasetError.invalidParameter` for a negative count or noise, or bad `turns`.
    public static func twoSpirals(count: Int, turns: Double = 1.5, noise: Double = 0, seed: UInt64,
                                  encoding: LabelEncoding = .signed) throws -> Dataset {
        try checkSampleCount(count)
        try checkNoise(noise)
        guard turns.isFinite, turns > 0 else {
            throw DatasetError.invalidParameter(name: "turns", reason: "must be finite and > 0; got \(turns)")
        }
        var generator = SeededGenerator(seed: seed)
        let sizes = twoClassSizes(count)
        // classOne ≥ classZero, so class 0 reuses the first ⌊n/2⌋ parameters.
        let parameters = (0..<sizes.classOne).map { _ in generator.nextUniform() }
        var scalars = [Double]()
        scalars.reserveCapacity(2 * count)
        for (size, sign) in [(sizes.classZero, 1.0), (sizes.classOne, -1.0)] {
            for t in parameters.prefix(size) {
                let theta = 2 * Double.pi * turns * t
                scalars.append(sign * t * cos(theta) + noise * generator.nextNormal())
                scalars.append(sign * t * sin(theta) + noise * generator.nextNormal())
            }
        }
        return try twoClass(scalars: scalars, count: count, dimension: 2, encoding: encoding)
    }
}
