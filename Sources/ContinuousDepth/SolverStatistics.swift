// SPDX-License-Identifier: GPL-3.0-or-later

/// The cost of a solve, counted where it happens.
public struct SolverStatistics: Sendable, Equatable, CustomStringConvertible {
    /// Evaluations of the (batched) vector field `f`.
    public var functionEvaluations: Int = 0
    /// Evaluations of the Jacobian `∂f/∂x` (implicit GSL steppers only).
    public var jacobianEvaluations: Int = 0
    public var acceptedSteps: Int = 0
    public var rejectedSteps: Int = 0

    public init(functionEvaluations: Int = 0, jacobianEvaluations: Int = 0, acceptedSteps: Int = 0, rejectedSteps: Int = 0) {
        self.functionEvaluations = functionEvaluations
        self.jacobianEvaluations = jacobianEvaluations
        self.acceptedSteps = acceptedSteps
        self.rejectedSteps = rejectedSteps
    }

    public static func + (a: SolverStatistics, b: SolverStatistics) -> SolverStatistics {
        SolverStatistics(functionEvaluations: a.functionEvaluations + b.functionEvaluations,
                         jacobianEvaluations: a.jacobianEvaluations + b.jacobianEvaluations,
                         acceptedSteps: a.acceptedSteps + b.acceptedSteps,
                         rejectedSteps: a.rejectedSteps + b.rejectedSteps)
    }

    public var description: String {
        "nfe \(functionEvaluations), njac \(jacobianEvaluations), steps \(acceptedSteps) accepted / \(rejectedSteps) rejected"
    }
}
