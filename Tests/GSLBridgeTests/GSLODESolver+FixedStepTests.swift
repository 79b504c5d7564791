// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import GSLBridge
import TensorCore

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

/// `y' = y·cos t`, `y(t) = y(0)·e^{sin t}`: non-autonomous, so a method that gets
/// the time of its stages wrong loses order.
private var cosineGrowth: GSLODESystem {
    GSLODESystem(dimension: 1, rightHandSide: { t, y in [y[0] * cos(t)] },
                 jacobian: { t, y in GSLJacobian(stateJacobian: [cos(t)], timeDerivative: [-y[0] * sin(t)]) })
}

/// The least-squares slope of log(error) against log(h) for fixed-step solves of
/// `system` on `[0, t1]` with the given step counts.
private func measuredOrder(_ stepType: GSLStepType, on system: GSLODESystem, to t1: Double, exact: Double,
                           stepCounts: [Int], tolerance: Double) throws -> (slope: Double, errors: [Double]) {
    let solver = try GSLODESolver(system: system, stepType: stepType,
                                  relativeTolerance: tolerance, absoluteTolerance: tolerance)
    var errors: [Double] = []
    for n in stepCounts {
        let final = try #require(try solver.solve(from: 0, to: t1, initial: [1], stepCount: n).finalState)
        errors.append(abs(final[0] - exact))
    }
    return (try LogLogFit(x: stepCounts.map { t1 / Double($0) }, y: errors).slope, errors)
}

/// Step counts on `[0, 2]` above each method's round-off floor and, for the
/// implicit ones, below the step size where their iteration fails (h ≤ 1/8).
private let orderStudies: [(GSLStepType, [Int])] = [
    (.rk2, [8, 16, 32, 64, 128]), (.rk4, [4, 8, 16, 32, 64]), (.rkf45, [32, 64, 128, 256]),
    (.rkck, [16, 32, 64, 128, 256]), (.rk8pd, [2, 4, 8, 16]),
    (.rk1imp, [16, 32, 64, 128, 256]), (.rk2imp, [16, 32, 64, 128, 256]), (.rk4imp, [16, 32, 64, 128]),
]

@Test("Fixed steps on y' = y·cos t converge with the order GSL reports (log-log slope ±0.2); rk2 with order 3, the order of the value it propagates",
      arguments: orderStudies)
func fixedStepOrderIsGSLsReportedOrder(stepType: GSLStepType, stepCounts: [Int]) throws {
    let (slope, errors) = try measuredOrder(stepType, on: cosineGrowth, to: 2, exact: exp(sin(2.0)),
                                            stepCounts: stepCounts, tolerance: 1e-10)
    let expected = Double(try stepType.orderReportedByGSL() + (stepType == .rk2 ? 1 : 0))
    #expect(abs(slope - expected) <= 0.2, "\(stepType): slope \(slope), errors \(errors)")
}

@Test("msbdf and msadams with fixed steps on y' = −y: order 1 while h is large for the tolerance, order 2 once it is small (tol 1e-6: h ≥ 1/80 vs h ≤ 1/160); order 1 throughout at tol 1e-10")
func multistepOrderDependsOnStepAndTolerance() throws {
    let decay = ReferenceSystems.decay()
    let exact = exp(-1.0)
    let bdfLarge = try measuredOrder(.msbdf, on: decay, to: 1, exact: exact, stepCounts: [10, 20, 40, 80], tolerance: 1e-6)
    let bdfSmall = try measuredOrder(.msbdf, on: decay, to: 1, exact: exact, stepCounts: [160, 320, 640], tolerance: 1e-6)
    let adamsSmall = try measuredOrder(.msadams, on: decay, to: 1, exact: exact, stepCounts: [160, 320, 640], tolerance: 1e-6)
    let bdfTight = try measuredOrder(.msbdf, on: decay, to: 1, exact: exact, stepCounts: [10, 40, 160, 640], tolerance: 1e-10)
    #expect(abs(bdfLarge.slope - 1) <= 0.2, "msbdf 1e-6, h ≥ 1/80: \(bdfLarge)")
    #expect(abs(bdfSmall.slope - 2) <= 0.2, "msbdf 1e-6, h ≤ 1/160: \(bdfSmall)")
    #expect(abs(adamsSmall.slope - 2) <= 0.2, "msadams 1e-6, h ≤ 1/160: \(adamsSmall)")
    #expect(abs(bdfTight.slope - 1) <= 0.2, "msbdf 1e-10: \(bdfTight)")
}

@Test("msadams's functional iteration fails at large steps for the tolerance: h = 1/20 at 1e-6, and every h down to 1/640 at 1e-13")
func multistepAdamsFailsAtLargeSteps() throws {
    for (tolerance, stepCount) in [(1e-6, 20), (1e-13, 640)] {
        let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .msadams,
                                      relativeTolerance: tolerance, absoluteTolerance: tolerance)
        #expect(throws: GSLODEError.self, "tol \(tolerance), h = 1/\(stepCount)") {
            _ = try solver.solve(from: 0, to: 1, initial: [1], stepCount: stepCount)
        }
    }
}

@Test("bsimp ignores the step size and the tolerance: 139 evaluations per step and error ≤ 1e-13 for h = 1/5 … 1/320 and tol 1e-4 … 1e-13")
func bsimpIgnoresStepSizeAndTolerance() throws {
    for tolerance in [1e-4, 1e-8, 1e-13] {
        let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .bsimp,
                                      relativeTolerance: tolerance, absoluteTolerance: tolerance)
        for stepCount in [5, 40, 320] {
            let solution = try solver.solve(from: 0, to: 1, initial: [1], stepCount: stepCount)
            let error = abs(try #require(solution.finalState)[0] - exp(-1))
            #expect(error <= 1e-13, "tol \(tolerance), \(stepCount) steps: error \(error)")
            #expect(solution.statistics.rightHandSideEvaluations == 139 * stepCount,
                    "tol \(tolerance), \(stepCount) steps: \(solution.statistics)")
        }
    }
}

@Test("Implicit RK with fixed steps: rk1imp fails at h = 0.25 when tol = 1e-13 but not at 1e-6 or at h = 0.125; rk4imp's error stalls above 1e-9 at tol 1e-6 while it reaches 1e-12 at 1e-10")
func implicitRungeKuttaDependsOnTolerance() throws {
    func solver(_ stepType: GSLStepType, _ tolerance: Double) throws -> GSLODESolver {
        try GSLODESolver(system: cosineGrowth, stepType: stepType, relativeTolerance: tolerance, absoluteTolerance: tolerance)
    }
    #expect(throws: GSLODEError.self) { _ = try solver(.rk1imp, 1e-13).solve(from: 0, to: 2, initial: [1], stepCount: 8) }
    _ = try solver(.rk1imp, 1e-13).solve(from: 0, to: 2, initial: [1], stepCount: 16)
    _ = try solver(.rk1imp, 1e-6).solve(from: 0, to: 2, initial: [1], stepCount: 8)

    let exact = exp(sin(2.0))
    for stepCount in [32, 64, 128, 256] {
        let loose = try #require(try solver(.rk4imp, 1e-6).solve(from: 0, to: 2, initial: [1], stepCount: stepCount).finalState)
        #expect(abs(loose[0] - exact) >= 1e-9, "rk4imp at 1e-6 with \(stepCount) steps")
    }
    let tight = try #require(try solver(.rk4imp, 1e-10).solve(from: 0, to: 2, initial: [1], stepCount: 256).finalState)
    #expect(abs(tight[0] - exact) <= 1e-12)
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
