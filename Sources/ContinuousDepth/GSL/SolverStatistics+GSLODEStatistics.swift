// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge

extension SolverStatistics {
    /// The counts of a GSL solve: right-hand-side and Jacobian evaluations,
    /// accepted steps and rejected step attempts.
    public init(_ statistics: GSLODEStatistics) {
        self.init(functionEvaluations: statistics.rightHandSideEvaluations,
                  jacobianEvaluations: statistics.jacobianEvaluations,
                  acceptedSteps: statistics.acceptedSteps,
                  rejectedSteps: statistics.rejectedSteps)
    }
}
