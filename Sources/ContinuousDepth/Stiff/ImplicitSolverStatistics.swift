// SPDX-License-Identifier: GPL-3.0-or-later

/// The cost of an implicit solve (`Kvaerno5Solver`, `Rodas4Solver`), counted where it happens.
///
/// One Jacobian evaluation computes all `batch` diagonal blocks (`d` forward-mode
/// products on the repeated batch); one LU factorisation factors all `batch`
/// blocks `I − hγJ_b`.
public struct ImplicitSolverStatistics: Sendable, Equatable, CustomStringConvertible {
    /// Evaluations of `f` on the whole batch.
    public var functionEvaluations = 0
    /// Evaluations of the block Jacobian (all blocks at once).
    public var jacobianEvaluations = 0
    /// Batched LU factorisations of `I − hγJ` (all blocks at once).
    public var luFactorizations = 0
    /// Simplified-Newton iterations (each one batched solve and one evaluation of `f`).
    public var newtonIterations = 0
    /// Stage solves in which some sample's Newton iteration diverged or did not converge in time.
    public var newtonFailures = 0
    public var acceptedSteps = 0
    /// Steps rejected by the error test or by a Newton failure.
    public var rejectedSteps = 0

    public init() {}

    /// The counts of two solves together (a solve and its re-solves, say).
    public static func + (a: ImplicitSolverStatistics, b: ImplicitSolverStatistics) -> ImplicitSolverStatistics {
        var sum = a
        sum.functionEvaluations += b.functionEvaluations
        sum.jacobianEvaluations += b.jacobianEvaluations
        sum.luFactorizations += b.luFactorizations
        sum.newtonIterations += b.newtonIterations
        sum.newtonFailures += b.newtonFailures
        sum.acceptedSteps += b.acceptedSteps
        sum.rejectedSteps += b.rejectedSteps
        return sum
    }

    /// The counts shared with the other solvers.
    public var solverStatistics: SolverStatistics {
        SolverStatistics(functionEvaluations: functionEvaluations, jacobianEvaluations: jacobianEvaluations,
                         acceptedSteps: acceptedSteps, rejectedSteps: rejectedSteps)
    }

    public var description: String {
        "nfe \(functionEvaluations), njac \(jacobianEvaluations), nlu \(luFactorizations), "
            + "newton \(newtonIterations) (\(newtonFailures) failed), steps \(acceptedSteps) accepted / \(rejectedSteps) rejected"
    }
}
