// SPDX-License-Identifier: GPL-3.0-or-later

/// Work done by one solve: evaluations of `f` and of its Jacobian, and steps.
///
/// Evaluations are counted in the bridge's callbacks (GSL has no counter).
/// `acceptedSteps` counts steps that advanced `t`; `rejectedSteps` counts
/// attempts the controller or the stepper refused (GSL's `failed_steps`).
public struct GSLODEStatistics: Equatable, Hashable, Sendable {
    /// Number of evaluations of the right-hand side `f(t, y)`.
    public var rightHandSideEvaluations: Int
    /// Number of evaluations of the Jacobian `∂f/∂y`, `∂f/∂t`.
    public var jacobianEvaluations: Int
    /// Number of steps that were accepted and advanced `t`.
    public var acceptedSteps: Int
    /// Number of step attempts that were rejected and retried with a smaller step.
    public var rejectedSteps: Int

    /// Creates a statistics record.
    public init(rightHandSideEvaluations: Int = 0, jacobianEvaluations: Int = 0,
                acceptedSteps: Int = 0, rejectedSteps: Int = 0) {
        self.rightHandSideEvaluations = rightHandSideEvaluations
        self.jacobianEvaluations = jacobianEvaluations
        self.acceptedSteps = acceptedSteps
        self.rejectedSteps = rejectedSteps
    }
}
