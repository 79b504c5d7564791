// SPDX-License-Identifier: GPL-3.0-or-later

/// One step of a GSL stepper from `t` to `t + h`: the new state and the
/// stepper's own local error estimate.
///
/// For step-doubling methods (`GSLStepType.usesStepDoubling`: `rk4`, `rk1imp`,
/// `rk2imp`, `rk4imp`), `state` is the result of two half steps and
/// `errorEstimate` derives from their difference from one full step.
public struct GSLODEStep: Equatable, Sendable {
    /// `yₙ₊₁ ≈ y(t + h)`.
    public let state: [Double]
    /// The stepper's local error estimate for `state`, one entry per component.
    public let errorEstimate: [Double]

    /// Creates a step result.
    public init(state: [Double], errorEstimate: [Double]) {
        self.state = state
        self.errorEstimate = errorEstimate
    }
}
