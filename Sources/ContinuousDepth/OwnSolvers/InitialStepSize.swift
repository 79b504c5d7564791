// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif
import TensorCore

/// Hairer's automatic choice of the first step of an adaptive solve, from one
/// extra evaluation of `f`. With the weighted RMS norm `‖·‖` of `ErrorTolerance`
/// (scales `atol + rtol·|y0ᵢ|`):
///
///     d0 = ‖y0‖,  d1 = ‖f0‖,  h0 = 0.01·d0/d1   (10⁻⁶ if d0 or d1 < 10⁻⁵)
///     d2 = ‖f(t0 + h0, y0 + h0·f0) − f0‖ / h0
///     h1 = (0.01 / max(d1, d2))^(1/(p+1))       (max(10⁻⁶, 10⁻³·h0) if max(d1, d2) ≤ 10⁻¹⁵)
///     h  = min(100·h0, h1)
///
/// so that the first step's local error `≈ C·h^(p+1)` is near the tolerance.
///
/// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.4, "Starting step size".
public enum InitialStepSize {
    /// The magnitude of the first step (positive); multiply by the direction of integration.
    ///
    /// - Parameters:
    ///   - order: `p`, the order of the method (5 for DOPRI5, as in Hairer's code).
    ///   - tolerance: the error tolerance whose norm `‖·‖` weighs `d0`, `d1` and `d2`.
    ///   - t0: the initial time.
    ///   - y0: the initial state.
    ///   - f0: `f(t0, y0)`, already evaluated, shaped as `y0`.
    ///   - direction: `+1` or `−1`.
    ///   - f: the vector field on plain tensors (one evaluation here).
    /// - Returns: `h > 0`, finite (falls back to `h0` when `f` misbehaves at the probe point).
    public static func hairer(order: Int, tolerance: ErrorTolerance, at t0: Double, state y0: Tensor,
                              derivative f0: Tensor, direction: Double,
                              field f: (Tensor, Double) throws -> Tensor) throws -> Double {
        // ‖v‖ with scales atol + rtol·|y0ᵢ| is the error norm of v for a step from y0 to y0.
        let d0 = try tolerance.norm(of: y0, from: y0, to: y0)
        let d1 = try tolerance.norm(of: f0, from: y0, to: y0)
        let h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1
        let y1 = try y0.adding(f0, scaledBy: direction * h0)
        let f1 = try f(y1, t0 + direction * h0)
        let d2 = try tolerance.norm(of: try f1 - f0, from: y0, to: y0) / h0
        let largest = Swift.max(d1, d2)
        let h1 = largest <= 1e-15
            ? Swift.max(1e-6, h0 * 1e-3)
            : pow(0.01 / largest, 1 / Double(order + 1))
        let h = Swift.min(100 * h0, h1)
        return h.isFinite && h > 0 ? h : h0
    }
}
