// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// The least-squares line through `(log h_i, log e_i)`: the observed order of convergence.
///
///     log e ≈ p·log h + c,   p = Σ(u − ū)(v − v̄) / Σ(u − ū)²,   u = log h, v = log e
public struct LogLogFit: Sendable, Equatable {
    /// `p`, the slope.
    public let slope: Double
    /// `c`, the intercept (so `e ≈ e^c·h^p`).
    public let intercept: Double

    /// Fits the line through every pair.
    /// - Throws: `ExperimentError.invalidArgument` for fewer than two points, different lengths,
    ///   a value that is not finite and positive, or all `x` equal.
    public init(x: [Double], y: [Double]) throws {
        guard x.count == y.count, x.count >= 2 else {
            throw ExperimentError.invalidArgument(name: "points", value: "\(x.count) x, \(y.count) y",
                                                  reason: "needs two or more (x, y) pairs")
        }
        for v in x + y where !(v.isFinite && v > 0) {
            throw ExperimentError.invalidArgument(name: "points", value: "\(v)", reason: "log–log fit needs finite positive values")
        }
        let u = x.map { Foundation.log($0) }, v = y.map { Foundation.log($0) }
        let uMean = u.reduce(0, +) / Double(u.count), vMean = v.reduce(0, +) / Double(v.count)
        var numerator = 0.0, denominator = 0.0
        for (a, b) in zip(u, v) {
            numerator += (a - uMean) * (b - vMean)
            denominator += (a - uMean) * (a - uMean)
        }
        guard denominator > 0 else {
            throw ExperimentError.invalidArgument(name: "x", value: "\(x)", reason: "all equal: no slope")
        }
        slope = numerator / denominator
        intercept = vMean - slope * uMean
    }
}
