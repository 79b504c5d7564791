// SPDX-License-Identifier: GPL-3.0-or-later

/// The controller role of a solver: from the error norm of an attempted step
/// (`err`, accept when `err ≤ 1`, see `ErrorTolerance`) and the order of the
/// error estimate, accept or reject the step and propose the next step size
/// `h_new = factor · h`. No loop, no saving: the driver calls it once per attempt.
///
/// `errorOrder` is `k` in `err ∝ hᵏ`: for an embedded pair of orders `p(p̂)`,
/// `k = min(p, p̂) + 1` (5 for Dormand–Prince 5(4)), so the exponents of a
/// controller written for `k` carry over to every method.
public protocol StepSizeController: Sendable {
    /// The verdict on one attempt; `history` is the controller's memory between attempts.
    func decide(errorNorm err: Double, errorOrder k: Int, history: inout StepSizeHistory) -> StepSizeDecision
}

/// What a controller remembers between attempts (one value for all controllers).
public struct StepSizeHistory: Sendable, Equatable {
    /// `err_{n−1}`: the (floored) norm of the last accepted step (1 before the first).
    public var previousErrorNorm: Double = 1
    /// `err_{n−2}`: the one before (1 before the second accepted step).
    public var secondPreviousErrorNorm: Double = 1
    /// Whether the last attempted step was rejected.
    public var lastStepRejected = false
    /// The state before the first step.
    public init() {}

    /// Records an accepted step of norm `err` (floored at 10⁻⁴, so that one tiny error cannot explode the next step).
    mutating func accept(_ err: Double) {
        secondPreviousErrorNorm = previousErrorNorm
        previousErrorNorm = Swift.max(err, 1e-4)
        lastStepRejected = false
    }
}

/// The verdict on one attempted step.
public struct StepSizeDecision: Sendable, Equatable {
    /// `err ≤ 1`.
    public let isAccepted: Bool
    /// `h_new / h` (positive).
    public let factor: Double

    public init(isAccepted: Bool, factor: Double) {
        self.isAccepted = isAccepted
        self.factor = factor
    }
}
