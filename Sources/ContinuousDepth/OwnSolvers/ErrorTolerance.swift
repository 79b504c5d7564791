// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The error measure of an adaptive step: a root-mean-square norm of the local
/// error estimate `e`, each component scaled by its own tolerance,
///
///     ‖e‖ = √( (1/n) Σᵢ (eᵢ / sᵢ)² ),   sᵢ = atol + rtol · max(|y0ᵢ|, |y1ᵢ|)
///
/// over all `n = batch·d` components of the step from `y0` to `y1`; a step is
/// accepted when `‖e‖ ≤ 1`. This is the norm of Hairer's `dopri5`, torchdiffeq
/// and diffrax (GSL instead takes the maximum over components, so the same
/// tolerances are tighter there). A component with `sᵢ = 0` (possible with
/// `atol = 0`) counts as 0 when `eᵢ = 0` and as infinite otherwise.
///
/// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.4, eq. (4.11).
public struct ErrorTolerance: Sendable, Equatable {
    /// `rtol > 0`, finite.
    public let relative: Double
    /// `atol ≥ 0`, finite.
    public let absolute: Double

    /// Checked tolerances.
    /// - Throws: `ContinuousDepthError.invalidArgument` unless `rtol > 0`, `atol ≥ 0`, both finite.
    public init(relative: Double, absolute: Double) throws {
        guard relative > 0, relative.isFinite else {
            throw ContinuousDepthError.invalidArgument("relativeTolerance must be positive and finite; got \(relative)")
        }
        guard absolute >= 0, absolute.isFinite else {
            throw ContinuousDepthError.invalidArgument("absoluteTolerance must be non-negative and finite; got \(absolute)")
        }
        self.relative = relative
        self.absolute = absolute
    }

    /// `‖e‖` for the step from `y0` to `y1`; NaN when any of them holds a NaN or
    /// an infinity (so that the step is rejected), 0 for an empty state.
    /// - Throws: `ContinuousDepthError.invalidArgument` when the three shapes differ.
    public func norm(of e: Tensor, from y0: Tensor, to y1: Tensor) throws -> Double {
        guard e.shape == y0.shape, y1.shape == y0.shape else {
            throw ContinuousDepthError.invalidArgument(
                "the error norm needs one shape; got error \(e.shape), y0 \(y0.shape), y1 \(y1.shape)")
        }
        guard e.count > 0 else { return 0 }
        let (rtol, atol) = (relative, absolute)
        let sum = e.withUnsafeBufferPointer { pe in
            y0.withUnsafeBufferPointer { p0 in
                y1.withUnsafeBufferPointer { p1 in
                    var sum = 0.0
                    var poison = 0.0  // becomes NaN if any y1 is not finite (an infinite scale would hide it)
                    for i in 0..<pe.count {
                        let scale = atol + rtol * Swift.max(Swift.abs(p0[i]), Swift.abs(p1[i]))
                        let r = pe[i] == 0 ? 0 : pe[i] / scale
                        sum += r * r
                        poison += p1[i] * 0
                    }
                    return sum + poison
                }
            }
        }
        return (sum / Double(e.count)).squareRoot()
    }
}
