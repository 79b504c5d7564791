// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named scalar functions `f : ℝ → ℝ` for 1-D regression data sets.
public enum RegressionFunction: String, Sendable, CaseIterable {
    /// f(x) = sin x
    case sine
    /// f(x) = cos x
    case cosine
    /// f(x) = x²
    case square
    /// f(x) = x³
    case cube
    /// f(x) = |x| (continuous, not differentiable at 0)
    case absoluteValue

    /// The value f(x).
    public func callAsFunction(_ x: Double) -> Double {
        switch self {
        case .sine: return sin(x)
        case .cosine: return cos(x)
        case .square: return x * x
        case .cube: return x * x * x
        case .absoluteValue: return Swift.abs(x)
        }
    }
}
