// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension Dataset {
    /// Noisy samples of a scalar function on an interval: a 1-D regression data set.
    ///
    ///     xᵢ ~ U(a, b),   yᵢ = f(xᵢ) + σ · εᵢ,   εᵢ ~ N(0, 1),   i = 0 ..< n
    ///
    /// `inputs` holds the xᵢ and `targets` the yᵢ, both of shape `[n, 1]`, in draw order
    /// (not sorted); `labels` is empty and `classCount` is 0.
    /// - Parameters:
    ///   - count: number of samples `n ≥ 0`.
    ///   - interval: `[a, b]` with finite bounds.
    ///   - noise: standard deviation `σ ≥ 0` of the additive Gaussian noise.
    ///   - seed: fixes the samples.
    ///   - function: `f`; an error it throws is rethrown unchanged.
    /// - Throws: `DatasetError.invalidParameter` for a negative count or noise, an infinite
    ///   bound, or a non-finite `f(xᵢ)`.
    public static func functionRegression(count: Int, on interval: ClosedRange<Double>, noise: Double = 0,
                                          seed: UInt64, function: (Double) throws -> Double) throws -> Dataset {
        try checkSampleCount(count)
        try checkNoise(noise)
        guard interval.lowerBound.isFinite, interval.upperBound.isFinite else {
            throw DatasetError.invalidParameter(name: "interval", reason: "bounds must be finite; got \(interval)")
        }
        var generator = SeededGenerator(seed: seed)
        let (a, b) = (interval.lowerBound, interval.upperBound)
        var xs = [Double]()
        var ys = [Double]()
        xs.reserveCapacity(count)
        ys.reserveCapacity(count)
        for _ in 0..<count {
            let x = a + (b - a) * generator.nextUniform()
            let fx = try function(x)
            guard fx.isFinite else {
                throw DatasetError.invalidParameter(name: "function", reason: "f(\(x)) = \(fx) is not finite")
            }
            xs.append(x)
            ys.append(fx + noise * generator.nextNormal())
        }
        return try Dataset(inputs: try Tensor(shape: [count, 1], scalars: xs),
                           targets: try Tensor(shape: [count, 1], scalars: ys))
    }

    /// Noisy samples of a named function: `functionRegression(count:on:noise:seed:function:)`
    /// with `f` one of `RegressionFunction` (e.g. `.sine`, f(x) = sin x).
    /// - Throws: `DatasetError.invalidParameter` for a negative count or noise, or an infinite bound.
    public static func functionRegression(count: Int, on interval: ClosedRange<Double>, noise: Double = 0,
                                          seed: UInt64, named function: RegressionFunction) throws -> Dataset {
        try functionRegression(count: count, on: interval, noise: noise, seed: seed) { function($0) }
    }
}
