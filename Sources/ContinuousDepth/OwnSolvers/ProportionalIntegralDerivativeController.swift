// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif

/// Söderlind's PID step-size controller (a digital filter on the last three
/// error norms): an attempt with `err ≤ 1` is accepted and the next step is
///
///     h_new = h · clamp(safety · errₙ^(−β₁/k) · errₙ₋₁^(−β₂/k) · errₙ₋₂^(−β₃/k), minimumFactor, maximumFactor)
///
/// with `k` the order of the error estimate and `errₙ₋₁`, `errₙ₋₂` the (floored
/// at 10⁻⁴) norms of the previous two accepted steps (1 before there were any).
/// The default `(β₁, β₂, β₃) = (1/18, 1/9, 1/18)` is Söderlind's H312PID filter,
/// a low-pass filter that smooths the step-size sequence on problems where the
/// error estimate is rough (stability-limited steps, non-smooth right-hand
/// sides). `(0.7, −0.4, 0)` is the PI controller (`ProportionalIntegralController`)
/// and `(1, 0, 0)` the elementary one. Because the filter reacts slowly, a
/// rejected attempt is retried with the elementary controller,
/// `h · max(minimumFactor, safety · err^(−1/k))` (`minimumFactor` for a NaN norm),
/// and right after a rejection the accepted step may not grow.
///
/// Reference: Söderlind, "Digital filters in adaptive time-stepping", ACM TOMS
/// 29 (2003), Table III (H312PID); Söderlind & Wang, J. Comput. Appl. Math. 185 (2006).
public struct ProportionalIntegralDerivativeController: StepSizeController, Equatable {
    /// `β₁`, `β₂`, `β₃` (times `k`): the exponents on the last three error norms.
    public let beta1: Double
    public let beta2: Double
    public let beta3: Double
    /// `safety` (0 < safety ≤ 1).
    public let safety: Double
    /// The smallest factor by which a step may shrink.
    public let minimumFactor: Double
    /// The largest factor by which a step may grow.
    public let maximumFactor: Double

    /// A controller with checked coefficients (H312PID by default).
    /// - Throws: `ContinuousDepthError.invalidOption` naming the coefficient or limit, unless
    ///   the betas are finite with `β₁ + β₂ + β₃ > 0` (the filter must integrate the error),
    ///   `0 < safety ≤ 1`, and `0 < minimumFactor < 1 < maximumFactor`.
    public init(beta1: Double = 1.0 / 18, beta2: Double = 1.0 / 9, beta3: Double = 1.0 / 18, safety: Double = 0.9,
                minimumFactor: Double = 0.2, maximumFactor: Double = 10) throws {
        try checkControllerLimits(safety: safety, minimumFactor: minimumFactor, maximumFactor: maximumFactor)
        for (name, value) in [("beta1", beta1), ("beta2", beta2), ("beta3", beta3)] where !value.isFinite {
            throw ContinuousDepthError.invalidOption(name: name, reason: "must be finite; got \(value)")
        }
        guard beta1 + beta2 + beta3 > 0 else {
            throw ContinuousDepthError.invalidOption(
                name: "beta1", reason: "β₁ + β₂ + β₃ must be positive; got \(beta1 + beta2 + beta3)")
        }
        self.beta1 = beta1
        self.beta2 = beta2
        self.beta3 = beta3
        self.safety = safety
        self.minimumFactor = minimumFactor
        self.maximumFactor = maximumFactor
    }

    public func decide(errorNorm err: Double, errorOrder k: Int, history: inout StepSizeHistory) -> StepSizeDecision {
        let order = Double(k)
        guard err <= 1 else {  // also NaN
            let factor = err.isNaN ? minimumFactor : Swift.max(minimumFactor, safety * pow(err, -1 / order))
            history.lastStepRejected = true
            return StepSizeDecision(isAccepted: false, factor: Swift.min(factor, 1))
        }
        var factor = err == 0
            ? maximumFactor
            : safety * pow(err, -beta1 / order) * pow(history.previousErrorNorm, -beta2 / order)
                * pow(history.secondPreviousErrorNorm, -beta3 / order)
        factor = Swift.min(maximumFactor, Swift.max(minimumFactor, factor))
        if history.lastStepRejected { factor = Swift.min(factor, 1) }
        history.accept(err)
        return StepSizeDecision(isAccepted: true, factor: factor)
    }
}
