// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Dataset {
    /// Two concentric circles in the plane, as scikit-learn's `make_circles`: 2 classes, 2 features.
    ///
    ///     class 0 (outer, rows 0 ..< n₀):  xⱼ = (cos φⱼ, sin φⱼ) + σ · εⱼ,       φⱼ = 2π j / n₀,  n₀ = ⌊n/2⌋
    ///     class 1 (inner, the other n₁):   xⱼ = f · (cos ψⱼ, sin ψⱼ) + σ · εⱼ,   ψⱼ = 2π j / n₁,  n₁ = n − n₀
    ///     εⱼ ~ N(0, I₂)
    ///
    /// The angles are evenly spaced, so only the noise depends on the seed (no shuffle).
    /// - Parameters:
    ///   - count: number of samples `n ≥ 0`.
    ///   - factor: radius ratio `f` of the inner to the outer circle, in `[0, 1)`.
    ///   - noise: standard deviation `σ ≥ 0` of the isotropic Gaussian noise.
    ///   - seed: fixes the noise.
    ///   - encoding: targets `±1` (`.signed`, the default) or one-hot.
    /// - Throws: `DatasetError.invalidParameter` for a negative count or noise, or `f ∉ [0, 1)`.
    ///
    /// Reference: scikit-learn, `sklearn.datasets.make_circles`.
    public static func concentricCircles(count: Int, factor: Double = 0.8, noise: Double = 0, seed: UInt64,
                                         encoding: LabelEncoding = .signed) throws -> Dataset {
        try checkSampleCount(count)
        try checkNoise(noise)
        guard factor >= 0, factor < 1 else {
            throw DatasetError.invalidParameter(name: "factor", reason: "must be in [0, 1); got \(factor)")
        }
        var generator = SeededGenerator(seed: seed)
        let sizes = twoClassSizes(count)
        var scalars = [Double]()
        scalars.reserveCapacity(2 * count)
        for (size, radius) in [(sizes.classZero, 1.0), (sizes.classOne, factor)] {
            for j in 0..<size {
                let angle = 2 * Double.pi * Double(j) / Double(size)
                scalars.append(radius * cos(angle) + noise * generator.nextNormal())
                scalars.append(radius * sin(angle) + noise * generator.nextNormal())
            }
        }
        return try twoClass(scalars: scalars, count: count, dimension: 2, encoding: encoding)
    }
}
