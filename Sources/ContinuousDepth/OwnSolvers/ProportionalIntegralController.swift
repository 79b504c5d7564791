// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif

/// The PI step-size controller of Gustafsson (1991): a step with error norm
/// `err ≤ 1` is accepted, and the next step is
///
///     h_new = h · clamp(safety · err^(−β₁) · err_prev^(β₂), minimumFactor, maximumFactor)
///     β₁ = integralGain / k,   β₂ = proportionalGain / k
///
/// where `k` is the order of the error estimate (`err ∝ hᵏ`; 5 for DOPRI5) and
/// `err_prev` the norm of the previous accepted step (floored at 10⁻⁴, 1 before
/// the first). The default gains 0.7 and 0.4 (so `β₁ = 0.14`, `β₂ = 0.08` for
/// DOPRI5) are Hairer & Wanner's recommendation; `proportionalGain = 0` with
/// `integralGain = 1` is the classical I controller `err^(−1/k)`. The PI term
/// damps the oscillation of the I controller when the step size is limited by
/// stability rather than accuracy.
///
/// A rejected step is retried with `h · max(minimumFactor, safety · err^(−β₁))`
/// (`minimumFactor` for a NaN norm); right after a rejection the accepted step
/// may not grow (`factor ≤ 1`), as in Hairer's `dopri5`.
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.2 (PI step size control);
/// Gustafsson, ACM TOMS 17 (1991); Söderlind, ACM TOMS 29 (2003).
public struct ProportionalIntegralController: StepSizeController, Equatable {
    /// `safety` (0 < safety ≤ 1), keeps the next error a little below 1.
    public let safety: Double
    /// `k·β₁`, the gain on the current error.
    public let integralGain: Double
    /// `k·β₂`, the gain on the previous accepted error.
    public let proportionalGain: Double
    /// The smallest factor by which a step may shrink.
    public let minimumFactor: Double
    /// The largest factor by which a step may grow.
    public let maximumFactor: Double

    /// A controller with checked gains and limits.
    /// - Throws: `ContinuousDepthError.invalidOption` naming the gain or limit, unless
    ///   `0 < safety ≤ 1`, `integralGain > 0`, `proportionalGain ≥ 0`, and
    ///   `0 < minimumFactor < 1 < maximumFactor`, all finite.
    public init(safety: Double = 0.9, integralGain: Double = 0.7, proportionalGain: Double = 0.4,
                minimumFactor: Double = 0.2, maximumFactor: Double = 10) throws {
        try checkControllerLimits(safety: safety, minimumFactor: minimumFactor, maximumFactor: maximumFactor)
        guard integralGain > 0, integralGain.isFinite else {
            throw ContinuousDepthError.invalidOption(name: "integralGain", reason: "must be positive and finite; got \(integralGain)")
        }
        guard proportionalGain >= 0, proportionalGain.isFinite else {
            throw ContinuousDepthError.invalidOption(
                name: "proportionalGain", reason: "must be non-negative and finite; got \(proportionalGain)")
        }
        self.init(uncheckedSafety: safety, integralGain: integralGain, proportionalGain: proportionalGain,
                  minimumFactor: minimumFactor, maximumFactor: maximumFactor)
    }

    /// The default controller (gains 0.7 and 0.4, safety 0.9, factors in [0.2, 10]).
    public static let standard = ProportionalIntegralController(
        uncheckedSafety: 0.9, integralGain: 0.7, proportionalGain: 0.4, minimumFactor: 0.2, maximumFactor: 10)

    private init(uncheckedSafety safety: Double, integralGain: Double, proportionalGain: Double,
                 minimumFactor: Double, maximumFactor: Double) {
        self.safety = safety
        self.integralGain = integralGain
        self.proportionalGain = proportionalGain
        self.minimumFactor = minimumFactor
        self.maximumFactor = maximumFactor
    }

    /// Accepts or rejects a step of error norm `err` and gives the factor for the next step.
    public func decide(errorNorm err: Double, errorOrder k: Int, history: inout StepSizeHistory) -> StepSizeDecision {
        let beta1 = integralGain / Double(k)
        guard err <= 1 else {  // also NaN
            let factor = err.isNaN ? minimumFactor : Swift.max(minimumFactor, safety * pow(err, -beta1))
            history.lastStepRejected = true
            return StepSizeDecision(isAccepted: false, factor: factor)
        }
        let beta2 = proportionalGain / Double(k)
        var factor = err == 0 ? maximumFactor : safety * pow(err, -beta1) * pow(history.previousErrorNorm, beta2)
        factor = Swift.min(maximumFactor, Swift.max(minimumFactor, factor))
        if history.lastStepRejected { factor = Swift.min(factor, 1) }
        history.accept(err)
        return StepSizeDecision(isAccepted: true, factor: factor)
    }
}

/// Checks the limits every controller shares.
/// - Throws: `ContinuousDepthError.invalidOption` naming `safety`, `minimumFactor` or `maximumFactor`.
func checkControllerLimits(safety: Double, minimumFactor: Double, maximumFactor: Double) throws {
    guard safety > 0, safety <= 1 else {
        throw ContinuousDepthError.invalidOption(name: "safety", reason: "must lie in (0, 1]; got \(safety)")
    }
    guard minimumFactor > 0, minimumFactor < 1 else {
        throw ContinuousDepthError.invalidOption(name: "minimumFactor", reason: "must lie in (0, 1); got \(minimumFactor)")
    }
    guard maximumFactor > 1, maximumFactor.isFinite else {
        throw ContinuousDepthError.invalidOption(name: "maximumFactor", reason: "must be finite and above 1; got \(maximumFactor)")
    }
}
