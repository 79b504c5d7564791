// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Dataset {
    /// A ball inside a spherical shell in `d` dimensions (Dupont et al. 2019, the function g
    /// that no neural ODE can represent without augmentation): 2 classes, `d` features.
    ///
    ///     class 0, target −1 (rows 0 ..< ⌊n/2⌋):  ‖x‖ ≤ r₁
    ///     class 1, target +1 (the other rows):    r₂ ≤ ‖x‖ ≤ r₃
    ///
    /// Both are uniform in volume: x = r · z/‖z‖ with z ~ N(0, I_d) (a uniform direction) and
    /// the radius drawn by inverting its distribution function P(R ≤ r) ∝ rᵈ, U ~ U(0, 1):
    ///
    ///     ball:   r = r₁ · U^{1/d}
    ///     shell:  r = r₃ · (ρᵈ + U · (1 − ρᵈ))^{1/d},   ρ = r₂ / r₃   (= (r₂ᵈ + U(r₃ᵈ − r₂ᵈ))^{1/d}, without overflow)
    ///
    /// Dupont et al.'s code draws the radius uniformly in the interval instead, which crowds
    /// the samples towards the centre when d > 1.
    /// - Parameters:
    ///   - dimension: `d ≥ 1`.
    ///   - count: number of samples `n ≥ 0`.
    ///   - innerRadius: `r₁ > 0`.
    ///   - shellInnerRadius: `r₂ > r₁`.
    ///   - shellOuterRadius: `r₃ ≥ r₂`.
    ///   - seed: fixes the samples.
    ///   - encoding: targets `±1` (`.signed`, the default, as in the paper) or one-hot.
    /// - Throws: `DatasetError.invalidParameter` unless `d ≥ 1`, `n ≥ 0` and `0 < r₁ < r₂ ≤ r₃ < ∞`.
    ///
    /// Reference: Dupont, Doucet & Teh, "Augmented Neural ODEs", NeurIPS 2019, §4 and Fig. 2.
    public static func nestedSpheres(dimension: Int, count: Int, innerRadius: Double = 0.5,
                                     shellInnerRadius: Double = 1.0, shellOuterRadius: Double = 1.5,
                                     seed: UInt64, encoding: LabelEncoding = .signed) throws -> Dataset {
        try checkSampleCount(count)
        guard dimension >= 1 else {
            throw DatasetError.invalidParameter(name: "dimension", reason: "must be ≥ 1; got \(dimension)")
        }
        guard innerRadius > 0, innerRadius < shellInnerRadius, shellInnerRadius <= shellOuterRadius,
              shellOuterRadius.isFinite else {
            throw DatasetError.invalidParameter(
                name: "radii",
                reason: "need 0 < r₁ < r₂ ≤ r₃ < ∞; got r₁ = \(innerRadius), r₂ = \(shellInnerRadius), r₃ = \(shellOuterRadius)")
        }
        var generator = SeededGenerator(seed: seed)
        let sizes = twoClassSizes(count)
        let d = Double(dimension)
        let rhoToTheD = pow(shellInnerRadius / shellOuterRadius, d)
        var scalars = [Double]()
        scalars.reserveCapacity(dimension * count)
        var direction = [Double](repeating: 0, count: dimension)
        for (size, isBall) in [(sizes.classZero, true), (sizes.classOne, false)] {
            for _ in 0..<size {
                var squaredNorm = 0.0
                while squaredNorm == 0 {  // z = 0 has no direction; probability zero, but redraw
                    squaredNorm = 0
                    for k in 0..<dimension {
                        direction[k] = generator.nextNormal()
                        squaredNorm += direction[k] * direction[k]
                    }
                }
                let u = generator.nextUniform()
                let radius = isBall
                    ? innerRadius * pow(u, 1 / d)
                    : shellOuterRadius * pow(rhoToTheD + u * (1 - rhoToTheD), 1 / d)
                let scale = radius / squaredNorm.squareRoot()
                for k in 0..<dimension { scalars.append(scale * direction[k]) }
            }
        }
        return try twoClass(scalars: scalars, count: count, dimension: dimension, encoding: encoding)
    }
}
