// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import GSLBridge

private let implicitStepTypes = GSLStepType.allCases.filter(\.usesJacobian)

@Test("Implicit step types solve Robertson's kinetics to t = 40, conserving y1 + y2 + y3 = 1",
      arguments: implicitStepTypes)
func robertsonKinetics(stepType: GSLStepType) throws {
    let solver = try GSLODESolver(system: ReferenceSystems.robertson, stepType: stepType,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-10)
    let solution = try solver.solve(from: 0, to: 40, initial: [1, 0, 0], at: [0.4, 4, 40])
    for state in solution.states {
        #expect(abs(state.reduce(0, +) - 1) <= 1e-12)
    }
    let final = try #require(solution.finalState)
    let reference = ReferenceSystems.robertsonAtForty
    #expect(abs(final[0] - reference[0]) <= 5e-5)
    #expect(abs(final[1] - reference[1]) <= 5e-4 * reference[1])
    #expect(abs(final[2] - reference[2]) <= 5e-5)
}

@Test("Implicit step types follow Van der Pol with mu = 1000 on [0, 3000] and agree with a tight bsimp run",
      arguments: implicitStepTypes.filter { $0 != .rk1imp })
func vanDerPolStiff(stepType: GSLStepType) throws {
    let system = ReferenceSystems.vanDerPol(mu: 1000)
    let times = [1000.0, 2000, 3000]
    let reference = try GSLODESolver(system: system, stepType: .bsimp,
                                     relativeTolerance: 1e-10, absoluteTolerance: 1e-10)
        .solve(from: 0, to: 3000, initial: [2, 0], at: times)
    let solver = try GSLODESolver(system: system, stepType: stepType,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-6, maximumSteps: 100_000)
    let solution = try solver.solve(from: 0, to: 3000, initial: [2, 0], at: times)
    #expect(solution.states.count == times.count && reference.states.count == times.count)
    for (state, expected) in zip(solution.states, reference.states) {
        #expect(abs(state[0]) < 2.1)
        #expect(abs(state[0] - expected[0]) <= 1e-2)
    }
    // Past t = 1000 the solution has left the slow branch through x = 2 and
    // jumped to the negative one (the period is about 1614).
    #expect(solution.states[0][0] < -1.5)
    #expect(solution.states[1][0] > 1.5)
}

@Test("On stiff Van der Pol, explicit rkf45 exceeds 20 000 steps before t = 3000 while msbdf needs under 5000")
func stiffnessDefeatsExplicitMethods() throws {
    let system = ReferenceSystems.vanDerPol(mu: 1000)
    let explicit = try GSLODESolver(system: system, stepType: .rkf45, relativeTolerance: 1e-6,
                                    absoluteTolerance: 1e-6, maximumSteps: 20_000)
    do {
        _ = try explicit.solve(from: 0, to: 3000, initial: [2, 0])
        Issue.record("rkf45 finished a stiff problem within 20 000 steps")
    } catch let GSLODEError.tooManySteps(maximumSteps, time) {
        #expect(maximumSteps == 20_000)
        #expect(time > 0 && time < 3000)
    }
    let implicit = try GSLODESolver(system: system, stepType: .msbdf, relativeTolerance: 1e-6,
                                    absoluteTolerance: 1e-6, maximumSteps: 5000)
    let statistics = try implicit.solve(from: 0, to: 3000, initial: [2, 0]).statistics
    #expect(statistics.acceptedSteps < 5000)
}
