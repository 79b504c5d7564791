// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import GSLBridge

@Test("rkf45 spends 6 right-hand side evaluations per attempted step and no Jacobian")
func rkf45EvaluationCount() throws {
    let solver = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkf45,
                                  relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
    let statistics = try solver.solve(from: 0, to: 4 * .pi, initial: [1, 0]).statistics
    let attempts = statistics.acceptedSteps + statistics.rejectedSteps
    #expect(statistics.acceptedSteps > 50)
    #expect(statistics.rejectedSteps >= 0)
    #expect(abs(statistics.rightHandSideEvaluations - 6 * attempts) <= 6)
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
