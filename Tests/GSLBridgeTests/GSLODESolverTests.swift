// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import GSLBridge

/// The tolerance each step type is run at: implicit Euler (order 1) needs a
/// looser one to stay fast, the others use 1e-6.
private func tolerance(for stepType: GSLStepType) -> Double {
    stepType == .rk1imp ? 1e-4 : 1e-6
}

@Test("Every step type solves y' = -y on [0, 2] to within 100·rtol", arguments: GSLStepType.allCases)
func decayIsAccurate(stepType: GSLStepType) throws {
    let rtol = tolerance(for: stepType)
    let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: stepType,
                                  relativeTolerance: rtol, absoluteTolerance: rtol)
    let solution = try solver.solve(from: 0, to: 2, initial: [1], at: [0.5, 1, 2])
    #expect(solution.times == [0.5, 1, 2])
    for (time, state) in zip(solution.times, solution.states) {
        #expect(abs(state[0] - exp(-time)) <= 100 * rtol)
    }
}

@Test("Every step type follows x'' = -x over two periods to within 1000·rtol", arguments: GSLStepType.allCases)
func oscillatorIsAccurate(stepType: GSLStepType) throws {
    let rtol = tolerance(for: stepType)
    let solver = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: stepType,
                                  relativeTolerance: rtol, absoluteTolerance: rtol)
    let times = (1...8).map { Double($0) * .pi / 2 }
    let solution = try solver.solve(from: 0, to: 4 * .pi, initial: [1, 0], at: times)
    for (time, state) in zip(solution.times, solution.states) {
        #expect(abs(state[0] - cos(time)) <= 1000 * rtol)
        #expect(abs(state[1] + sin(time)) <= 1000 * rtol)
    }
}

@Test("Tightening rtol 100-fold shrinks rkf45's error at least 10-fold")
func errorScalesWithTolerance() throws {
    func error(at rtol: Double) throws -> Double {
        let solver = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkf45,
                                      relativeTolerance: rtol, absoluteTolerance: rtol)
        let state = try solver.solve(from: 0, to: 2 * .pi, initial: [1, 0]).states[0]
        return max(abs(state[0] - 1), abs(state[1]))
    }
    let loose = try error(at: 1e-5)
    let tight = try error(at: 1e-7)
    #expect(tight > 0)
    #expect(tight * 10 <= loose)
}

@Test("Integrating backwards from t = 1 to t = 0 recovers y(0) = 1 for y' = -y")
func backwardIntegration() throws {
    for stepType in [GSLStepType.rkf45, .msbdf, .rk8pd] {
        let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: stepType,
                                      relativeTolerance: 1e-9, absoluteTolerance: 1e-12)
        let solution = try solver.solve(from: 1, to: 0, initial: [exp(-1)], at: [0.75, 0.5, 0])
        #expect(solution.times == [0.75, 0.5, 0])
        for (time, state) in zip(solution.times, solution.states) {
            #expect(abs(state[0] - exp(-time)) <= 1e-6)
        }
        #expect(solution.statistics.acceptedSteps > 0)
    }
}

@Test("Output times include t0 (returning y0 exactly) and may repeat")
func outputAtStartAndRepeated() throws {
    let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .rk8pd,
                                  relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
    let solution = try solver.solve(from: 0, to: 1, initial: [3], at: [0, 0.5, 0.5, 1])
    #expect(solution.states[0] == [3])
    #expect(solution.states[1] == solution.states[2])
    #expect(abs(solution.states[3][0] - 3 * exp(-1)) <= 1e-8)
    #expect(solution.finalState == solution.states[3])
}

@Test("The in-place Span form gives exactly the array form's solution")
func inPlaceFormMatchesArrayForm() throws {
    let inPlace = GSLODESystem(
        dimension: 2,
        inPlaceRightHandSide: { _, y, dydt in
            dydt[0] = y[1]
            dydt[1] = -y[0]
        },
        inPlaceJacobian: { _, _, dfdy, dfdt in
            dfdy[0] = 0; dfdy[1] = 1; dfdy[2] = -1; dfdy[3] = 0
            dfdt[0] = 0; dfdt[1] = 0
        })
    for stepType in [GSLStepType.rkf45, .msbdf] {
        let arrays = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: stepType,
                                      relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
        let spans = try GSLODESolver(system: inPlace, stepType: stepType,
                                     relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
        let expected = try arrays.solve(from: 0, to: 3, initial: [1, 0], at: [1, 2, 3])
        let actual = try spans.solve(from: 0, to: 3, initial: [1, 0], at: [1, 2, 3])
        #expect(actual == expected)
    }
}

@Test("A solver reused for a second trajectory gives the same result as a fresh one (history reset)")
func reuseResetsHistory() throws {
    for stepType in [GSLStepType.msadams, .msbdf, .rkf45] {
        let reused = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: stepType,
                                      relativeTolerance: 1e-7, absoluteTolerance: 1e-7)
        _ = try reused.solve(from: 0, to: 5, initial: [0.3, -2])
        let second = try reused.solve(from: 0, to: 2, initial: [1, 0], at: [1, 2])
        let fresh = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: stepType,
                                     relativeTolerance: 1e-7, absoluteTolerance: 1e-7)
            .solve(from: 0, to: 2, initial: [1, 0], at: [1, 2])
        #expect(second == fresh)
    }
}

@Test("maximumStepSize bounds every step: [0, 1] with hmax = 0.01 takes at least 100 steps")
func maximumStepSizeIsRespected() throws {
    let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .rk8pd,
                                  relativeTolerance: 1e-3, absoluteTolerance: 1e-3, maximumStepSize: 0.01)
    let statistics = try solver.solve(from: 0, to: 1, initial: [1]).statistics
    #expect(statistics.acceptedSteps >= 100)
    let unbounded = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .rk8pd,
                                     relativeTolerance: 1e-3, absoluteTolerance: 1e-3)
    #expect(try unbounded.solve(from: 0, to: 1, initial: [1]).statistics.acceptedSteps < 20)
}
