// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import GSLBridge

@Test("rkf45 spends 6 right-hand side evaluations per attempted step, rejected ones included, and no Jacobian")
func rkf45EvaluationCount() throws {
    // A first trial step of a whole radian at tol 1e-8 must be rejected, more than once:
    // GSL's own error estimate for that step gives the error ratio r; the estimate scales
    // like h⁵, so an acceptable step (ratio ≤ 1.1) is (r/1.1)^(1/5) times shorter, and
    // GSL's controller shrinks h by at most a factor 5 per rejection.
    let (tolerance, h0) = (1e-8, 1.0)
    let solver = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkf45,
                                  relativeTolerance: tolerance, absoluteTolerance: tolerance, initialStepSize: h0)
    let first = try solver.step(at: 0, from: [1, 0], by: h0)
    let ratio = zip(first.errorEstimate, first.state).map { abs($0) / (tolerance + tolerance * abs($1)) }.max() ?? 0
    let minimumRejections = Int((log(pow(ratio / 1.1, 1.0 / 5)) / log(5)).rounded(.up))
    #expect(minimumRejections >= 2, "error ratio of the first trial step: \(ratio)")

    let statistics = try solver.solve(from: 0, to: 4 * .pi, initial: [1, 0]).statistics
    let attempts = statistics.acceptedSteps + statistics.rejectedSteps
    #expect(statistics.acceptedSteps > 50)
    #expect(statistics.rejectedSteps >= minimumRejections, "\(statistics)")
    // Counting only accepted steps would miss 6 evaluations per rejection.
    #expect(abs(statistics.rightHandSideEvaluations - 6 * attempts) <= 6, "\(statistics)")
    #expect(statistics.jacobianEvaluations == 0)
}

@Test("msbdf evaluates the Jacobian, but far less often than it takes steps")
func msbdfJacobianCount() throws {
    let solver = try GSLODESolver(system: ReferenceSystems.robertson, stepType: .msbdf,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-10)
    let statistics = try solver.solve(from: 0, to: 40, initial: [1, 0, 0]).statistics
    #expect(statistics.jacobianEvaluations >= 1)
    #expect(statistics.jacobianEvaluations * 5 < statistics.acceptedSteps)
    #expect(statistics.rightHandSideEvaluations >= statistics.acceptedSteps)
}

@Test("Statistics count one solve only, not the solver's earlier solves")
func statisticsArePerSolve() throws {
    let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .rkck,
                                  relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
    let first = try solver.solve(from: 0, to: 1, initial: [1]).statistics
    let second = try solver.solve(from: 0, to: 1, initial: [1]).statistics
    #expect(first == second)
}
