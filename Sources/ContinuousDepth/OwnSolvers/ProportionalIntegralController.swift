// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif

/// The PI step-size controller of Gustafsson (1991): a step
/// with error norm `err ≤ 1` is accepted, and the next step is
///
///     h_new = h · clamp(safety · err^(−β₁) · err_prev^(β₂), minimumFactor, maximumFactor)
///
/// where `err_prev` is the norm of the previous accepted step (floored at 10⁻⁴,
/// 1 before the first). The defaults `β₁ = 0.7/k`, `β₂ = 0.4/k` with `k = 5`
/// (the local error of DOPRI5's order-4 estimate is O(h⁵)) are Hairer & Wanner's
/// recommendation; `β₂ = 0` gives the classical I controller `err^(−1/k)` when
/// `β₁ = 1/k`. The PI term damps the oscillation of the I controller when the
/// step size is limited by stability rather than accuracy.
///
/// A rejected step is retried with `h · max(minimumFactor, safety · err^(−β₁))`
/// (`minimumFactor` for a NaN norm); right after a rejection the accepted step
/// may not grow (`factor ≤ 1`), as in Hairer's `dopri5`.
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.2 (PI step size control);
/// Gustafsson, ACM TOMS 17 (1991); Söderlind, ACM TOMS 29 (2003).
public struct ProportionalIntegralController: Sendable, Equatable {
    /// `safety` (0 < safety ≤ 1), keeps the next error a little below 1.
    public let safety: Double
    /// `β₁`, the exponent of the current error.
    public let integralExponent: Double
    /// `β₂`, the exponent of the previous accepted error.
    public let proportionalExponent: Double
    /// The smallest factor by which a step may shrink.
    public let minimumFactor: Double
    /// The largest factor by which a step may grow.
    public let maximumFactor: Double

    /// What the controller remembers between steps.
    public struct History: Sendable, Equatable {
        /// `err_prev`: the (floored) norm of the last accepted step.
        public var previousErrorNorm: Double = 1
        /// Whether the last attempted step was rejected.
        public var lastStepRejected = false
        /// The state before the first step (`err_prev = 1`, nothing rejected).
        public init() {}
    }

    /// The verdict on one attempted step.
    public struct Decision: Sendable, Equatable {
        /// `err ≤ 1`.
        public let isAccepted: Bool
        /// `h_new / h`.
        public let factor: Double
    }

    /// A controller with checked gains and limits.
    /// - Throws: `ContinuousDepthError.invalidArgument` unless `0 < safety ≤ 1`,
    ///   `β₁ > 0`, `β₂ ≥ 0`, and `0 < minimumFactor < 1 < maximumFactor`, all finite.
    public init(safety: Double = 0.9, integralExponent: Double = 0.7 / 5, proportionalExponent: Double = 0.4 / 5,
                minimumFactor: Double = 0.2, maximumFactor: Double = 10) throws {
        guard safety > 0, safety <= 1 else {
            throw ContinuousDepthError.invalidArgument("safety must lie in (0, 1]; got \(safety)")
        }
        guard integralExponent > 0, integralExponent.isFinite, proportionalExponent >= 0, proportionalExponent.isFinite else {
            throw ContinuousDepthError.invalidArgument(
                "need β₁ > 0 and β₂ ≥ 0, finite; got β₁ = \(integralExponent), β₂ = \(proportionalExponent)")
        }
        guard minimumFactor > 0, minimumFactor < 1, maximumFactor > 1, maximumFactor.isFinite else {
            throw ContinuousDepthError.invalidArgument(
                "need 0 < minimumFactor < 1 < maximumFactor, finite; got \(minimumFactor) and \(maximumFactor)")
        }
        self.safety = safety
        self.integralExponent = integralExponent
        self.proportionalExponent = proportionalExponent
        self.minimumFactor = minimumFactor
        self.maximumFactor = maximumFactor
    }

    /// The default controller (β₁ = 0.14, β₂ = 0.08, safety 0.9, factors in [0.2, 10]).
    public static let standard = ProportionalIntegralController(
        uncheckedSafety: 0.9, integralExponent: 0.7 / 5, proportionalExponent: 0.4 / 5,
        minimumFactor: 0.2, maximumFactor: 10)

    private init(uncheckedSafety safety: Double, integralExponent: Double, proportionalExponent: Double,
                 minimumFactor: Double, maximumFactor: Double) {
        self.safety = safety
        self.integralExponent = integralExponent
        self.proportionalExponent = proportionalExponent
        self.minimumFactor = minimumFactor
        self.maximumFactor = maximumFactor
    }

    /// Accepts or rejects a step of error norm `err` and gives the factor for the next step.
    public func decide(errorNorm err: Double, history: inout History) -> Decision {
        guard err <= 1 else {  // also NaN
            let factor = err.isNaN ? minimumFactor : Swift.max(minimumFactor, safety * pow(err, -integralExponent))
            history.lastStepRejected = true
            return Decision(isAccepted: false, factor: factor)
        }
        var factor = err == 0
            ? maximumFactor
            : safety * pow(err, -integralExponent) * pow(history.previousErrorNorm, proportionalExponent)
        factor = Swift.min(maximumFactor, Swift.max(minimumFactor, factor))
        if history.lastStepRejected { factor = Swift.min(factor, 1) }
        history.previousErrorNorm = Swift.max(err, 1e-4)
        history.lastStepRejected = false
        return Decision(isAccepted: true, factor: factor)
    }
}
