// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// The least-squares line through `(log xᵢ, log yᵢ)`; with step sizes `h` and errors
/// `e`, its slope is the observed order of convergence (a method of order p has
/// slope ≈ p above the round-off floor).
///
///     log y ≈ p·log x + c,   p = Σ(u − ū)(v − v̄) / Σ(u − ū)²,   u = log x, v = log y
///
/// The one log–log fit of the package: experiments, benchmarks and tests all use it.
public struct LogLogFit: Sendable, Equatable {
    /// `p`, the slope.
    public let slope: Double
    /// `c`, the intercept (so `y ≈ e^c·x^p`).
    public let intercept: Double

    /// Fits the line through every pair.
    /// - Throws: `TensorError.invalidArgument` for fewer than two points, different lengths,
    ///   a value that is not finite and positive, or all `x` equal.
    public init(x: [Double], y: [Double]) throws {
        guard x.count == y.count, x.count >= 2 else {
            throw TensorError.invalidArgument(operation: "LogLogFit",
                                              reason: "needs two or more (x, y) pairs, got \(x.count) x and \(y.count) y")
        }
        for v in x + y where !(v.isFinite && v > 0) {
            throw TensorError.invalidArgument(operation: "LogLogFit", reason: "log–log fit needs finite positive values, got \(v)")
        }
        let u = x.map { Foundation.log($0) }, v = y.map { Foundation.log($0) }
        let uMean = u.reduce(0, +) / Double(u.count), vMean = v.reduce(0, +) / Double(v.count)
        var numerator = 0.0, denominator = 0.0
        for (a, b) in zip(u, v) {
            numerator += (a - uMean) * (b - vMean)
            denominator += (a - uMean) * (a - uMean)
        }
        guard denominator > 0 else {
            throw TensorError.invalidArgument(operation: "LogLogFit", reason: "all x equal (\(x[0])): no slope")
        }
        slope = numerator / denominator
        intercept = vMean - slope * uMean
    }
}
