// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// One accepted step of a GSL solve, as `GSLReplaySolver` hands it to a replay.
public struct GSLReplayedStep: Sendable {
    /// `tₙ`.
    public let start: Double
    /// `hₙ = tₙ₊₁ − tₙ` (negative when integrating backwards).
    public let stepSize: Double
    /// `n`: 0 for the solve's first step.
    public let index: Int
    /// GSL's state at `tₙ₊₁` (the replay's result differs from it by round-off, or
    /// for an iterative stepper by GSL's iteration error).
    public let endState: [Double]
    /// The order of GSL's stepper on this step (`GSLDenseOutput.stepOrders`): fixed
    /// for the one-step methods, chosen step by step by `msadams` and `msbdf`.
    public let order: Int

    public init(start: Double, stepSize: Double, index: Int, endState: [Double], order: Int) {
        self.start = start
        self.stepSize = stepSize
        self.index = index
        self.endState = endState
        self.order = order
    }
}

/// How `GSLReplaySolver` re-takes GSL's accepted steps on the tape: each step is
/// the discrete map `yₙ₊₁ = Φ(tₙ, yₙ, hₙ; θ)` of the stepper's method with GSL's
/// step sizes held constant, built from operations the autodiff differentiates
/// (explicit stages as tape operations, implicit stages by the implicit-function
/// rule). A replay is created per solve and may keep history between steps
/// (a multistep method's past values).
public protocol GSLStepReplay {
    /// `yₙ₊₁` on the tape from `yₙ`; `evaluations` counts the field evaluations recorded.
    mutating func replay<Field: VectorField>(_ step: GSLReplayedStep, from y: Variable, field: Field,
                                             parameters theta: [Variable], evaluations: inout Int) throws -> Variable
}
