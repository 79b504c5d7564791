// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import GSLBridge

/// A forced pendulum, nonlinear and non-autonomous: `(θ, ω)′ = (ω, −sin θ + 0.1·cos t)`.
private func forcedPendulum(_ t: Double, _ y: [Double]) -> [Double] {
    [y[1], -sin(y[0]) + 0.1 * cos(t)]
}

/// One classical RK4 step, written out independently of GSL.
private func classicalRungeKutta4(_ t: Double, _ y: [Double], _ h: Double) -> [Double] {
    func axpy(_ a: Double, _ x: [Double], _ y: [Double]) -> [Double] { zip(x, y).map { a * $0 + $1 } }
    let k1 = forcedPendulum(t, y)
    let k2 = forcedPendulum(t + h / 2, axpy(h / 2, k1, y))
    let k3 = forcedPendulum(t + h / 2, axpy(h / 2, k2, y))
    let k4 = forcedPendulum(t + h, axpy(h, k3, y))
    return y.indices.map { y[$0] + h / 6 * (k1[$0] + 2 * k2[$0] + 2 * k3[$0] + k4[$0]) }
}

@Test("One GSL rk4 step of h equals two classical RK4 steps of h/2")
func rk4StepIsStepDoubled() throws {
    let system = GSLODESystem(dimension: 2, rightHandSide: forcedPendulum)
    let solver = try GSLODESolver(system: system, stepType: .rk4, relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    let (t, y, h) = (0.3, [1.2, -0.4], 0.25)
    let step = try solver.step(at: t, from: y, by: h)
    let twoHalfSteps = classicalRungeKutta4(t + h / 2, classicalRungeKutta4(t, y, h / 2), h / 2)
    let oneFullStep = classicalRungeKutta4(t, y, h)
    for i in 0..<2 {
        #expect(abs(step.state[i] - twoHalfSteps[i]) <= 1e-14)
        #expect(abs(step.state[i] - oneFullStep[i]) > 1e-8)
    }
    #expect(step.errorEstimate.allSatisfy { $0 != 0 && $0.isFinite })
}

@Test("Implicit GSL steps on y' = λy equal two half steps of their stability functions")
func implicitStepsMatchStabilityFunctions() throws {
    let lambda = -2.0, h = 0.1
    let z = lambda * h / 2
    let gauss4 = (1 + z / 2 + z * z / 12) / (1 - z / 2 + z * z / 12)
    let expected: [(GSLStepType, Double)] = [
        (.rk1imp, 1 / ((1 - z) * (1 - z))),                    // backward Euler, twice
        (.rk2imp, pow((1 + z / 2) / (1 - z / 2), 2)),           // implicit midpoint, twice
        (.rk4imp, gauss4 * gauss4),                             // 2-stage Gauss, twice
    ]
    for (stepType, amplification) in expected {
        let solver = try GSLODESolver(system: ReferenceSystems.decay(rate: lambda), stepType: stepType,
                                      relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
        let step = try solver.step(at: 0, from: [3], by: h)
        #expect(abs(step.state[0] - 3 * amplification) <= 1e-12, "\(stepType)")
    }
}

@Test("Fixed-step rk4 converges with order 4 on y' = -y: log-log slope within [3.8, 4.2]")
func rk4FixedStepOrder() throws {
    let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .rk4,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    let stepCounts = [10, 20, 40, 80]
    var logStepSizes: [Double] = []
    var logErrors: [Double] = []
    for stepCount in stepCounts {
        let solution = try solver.solve(from: 0, to: 1, initial: [1], stepCount: stepCount)
        let error = abs(try #require(solution.finalState)[0] - exp(-1))
        logStepSizes.append(log(1 / Double(stepCount)))
        logErrors.append(log(error))
    }
    let meanX = logStepSizes.reduce(0, +) / Double(logStepSizes.count)
    let meanY = logErrors.reduce(0, +) / Double(logErrors.count)
    let covariance = zip(logStepSizes, logErrors).map { ($0 - meanX) * ($1 - meanY) }.reduce(0, +)
    let variance = logStepSizes.map { ($0 - meanX) * ($0 - meanX) }.reduce(0, +)
    let slope = covariance / variance
    #expect(slope >= 3.8 && slope <= 4.2, "slope \(slope)")
    #expect(GSLStepType.rk4.order == 4)
}

@Test("Fixed steps land on t0 + k·h, never reject, and cost rk4 11 and rkf45 6 evaluations a step")
func fixedStepTimesAndCost() throws {
    let (t0, t1, stepCount) = (0.1, 0.8, 7)
    let h = (t1 - t0) / Double(stepCount)
    for (stepType, evaluationsPerStep) in [(GSLStepType.rk4, 11), (.rkf45, 6)] {
        let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: stepType,
                                      relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
        let solution = try solver.solve(from: t0, to: t1, initial: [1], stepCount: stepCount)
        #expect(solution.times == (0...stepCount).map { t0 + Double($0) * h })
        #expect(solution.states.count == stepCount + 1)
        #expect(solution.states[0] == [1])
        #expect(solution.statistics == GSLODEStatistics(
            rightHandSideEvaluations: evaluationsPerStep * stepCount, jacobianEvaluations: 0,
            acceptedSteps: stepCount, rejectedSteps: 0))
    }
}

@Test("Every step type with 100 fixed steps follows y' = -y on [0, 1] to within 1e-2",
      arguments: GSLStepType.allCases)
func everyStepTypeTakesFixedSteps(stepType: GSLStepType) throws {
    let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: stepType,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    let solution = try solver.solve(from: 0, to: 1, initial: [1], stepCount: 100)
    for (time, state) in zip(solution.times, solution.states) {
        #expect(abs(state[0] - exp(-time)) <= 1e-2)
    }
}

@Test("Fixed steps run backwards when t1 < t0")
func fixedStepsBackwards() throws {
    let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .rk8pd,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    let solution = try solver.solve(from: 1, to: 0, initial: [exp(-1)], stepCount: 10)
    #expect(solution.times.last == 0)
    #expect(abs(try #require(solution.finalState)[0] - 1) <= 1e-12)
}

@Test("A stepper failure in fixed-step mode is a typed error and leaves the solver usable")
func fixedStepFailureIsTyped() throws {
    // msadams's functional iteration diverges for h·|λ| = 0.2 on its first step.
    let solver = try GSLODESolver(system: ReferenceSystems.decay(rate: -2), stepType: .msadams,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    #expect(throws: GSLODEError.self) {
        _ = try solver.solve(from: 0, to: 1, initial: [1], stepCount: 10)
    }
    let solution = try solver.solve(from: 0, to: 1, initial: [1], stepCount: 1000)
    #expect(abs(try #require(solution.finalState)[0] - exp(-2)) <= 1e-5)
}

@Test("Fixed and single steps reject bad step counts and step sizes")
func fixedStepArgumentsAreChecked() throws {
    let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .rk4,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    #expect(throws: GSLODEError.self) { _ = try solver.solve(from: 0, to: 1, initial: [1], stepCount: 0) }
    #expect(throws: GSLODEError.self) { _ = try solver.solve(from: 1, to: 1, initial: [1], stepCount: 5) }
    #expect(throws: GSLODEError.self) { _ = try solver.step(at: 0, from: [1], by: 0) }
    #expect(throws: GSLODEError.self) { _ = try solver.step(at: 0, from: [1], by: .nan) }
    #expect(throws: GSLODEError.self) { _ = try solver.step(at: 0, from: [1, 2], by: 0.1) }
}
