// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import GSLBridge

@Test("A right-hand side returning NaN after t = 0.5 fails with nonFiniteDerivative at that time")
func nanDerivativeIsReported() throws {
    let system = GSLODESystem(dimension: 2, rightHandSide: { t, y in
        t > 0.5 ? [-y[0], .nan] : [-y[0], -y[1]]
    })
    let solver = try GSLODESolver(system: system, stepType: .rkf45,
                                  relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
    do {
        _ = try solver.solve(from: 0, to: 1, initial: [1, 1])
        Issue.record("the NaN derivative was accepted")
    } catch let GSLODEError.nonFiniteDerivative(time, component) {
        #expect(time > 0.5 && time < 0.6)
        #expect(component == 1)
    }
}

@Test("An infinite derivative in the in-place form is reported too")
func infiniteDerivativeIsReported() throws {
    let system = GSLODESystem(dimension: 1, inPlaceRightHandSide: { t, _, dydt in
        dydt[0] = t >= 0.25 ? .infinity : 1
    })
    let solver = try GSLODESolver(system: system, stepType: .rk8pd,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    #expect {
        _ = try solver.solve(from: 0, to: 1, initial: [0])
    } throws: { error in
        guard case let GSLODEError.nonFiniteDerivative(time, component) = error else { return false }
        return time >= 0.25 && component == 0
    }
}

@Test("An error thrown by the right-hand side is rethrown unchanged, and the solver stays usable")
func thrownErrorIsRethrown() throws {
    final class Switch { var failing = true }
    let failure = Switch()
    let system = GSLODESystem(dimension: 1, rightHandSide: { t, y in
        if failure.failing && t > 0.3 { throw SentinelError(identifier: 42) }
        return [-y[0]]
    }, jacobian: { _, _ in GSLJacobian(stateJacobian: [-1], timeDerivative: [0]) })
    for stepType in [GSLStepType.rkf45, .msbdf, .bsimp] {
        failure.failing = true
        let solver = try GSLODESolver(system: system, stepType: stepType,
                                      relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
        #expect(throws: SentinelError(identifier: 42)) {
            _ = try solver.solve(from: 0, to: 1, initial: [1])
        }
        failure.failing = false
        let afterFailure = try solver.solve(from: 0, to: 1, initial: [1], at: [0.5, 1])
        let fresh = try GSLODESolver(system: system, stepType: stepType,
                                     relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
            .solve(from: 0, to: 1, initial: [1], at: [0.5, 1])
        #expect(afterFailure == fresh)
    }
}

@Test("An error thrown by the Jacobian is rethrown unchanged")
func jacobianErrorIsRethrown() throws {
    let system = GSLODESystem(dimension: 1, rightHandSide: { _, y in [-y[0]] },
                              jacobian: { _, _ in throw SentinelError(identifier: 7) })
    let solver = try GSLODESolver(system: system, stepType: .msbdf,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    #expect(throws: SentinelError(identifier: 7)) {
        _ = try solver.solve(from: 0, to: 1, initial: [1])
    }
}

@Test("Needing more than maximumSteps attempted steps throws tooManySteps with the time reached and keeps the statistics")
func maximumStepsIsEnforced() throws {
    let tolerance = 1e-10
    let unlimited = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkf45,
                                     relativeTolerance: tolerance, absoluteTolerance: tolerance)
    let full = try unlimited.solve(from: 0, to: 10, initial: [1, 0], at: [5, 10]).statistics
    let needed = full.acceptedSteps + full.rejectedSteps
    #expect(full.rejectedSteps > 0)  // the ramp-up from h₀ = 1e-6 rejects some attempts

    let exact = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkf45,
                                 relativeTolerance: tolerance, absoluteTolerance: tolerance, maximumSteps: needed)
    _ = try exact.solve(from: 0, to: 10, initial: [1, 0], at: [5, 10])

    // Fewer attempts than the accepted steps alone: the rejections count too.
    let limit = full.acceptedSteps - 1
    let short = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkf45,
                                 relativeTolerance: tolerance, absoluteTolerance: tolerance, maximumSteps: limit)
    do {
        _ = try short.solve(from: 0, to: 10, initial: [1, 0], at: [5, 10])
        Issue.record("maximumSteps was not enforced")
    } catch let GSLODEError.tooManySteps(maximumSteps, time) {
        #expect(maximumSteps == limit)
        #expect(time > 5 && time < 10)
        let spent = short.lastStatistics
        #expect(spent.acceptedSteps + spent.rejectedSteps == limit)
        #expect(spent.acceptedSteps == full.acceptedSteps - 1 - full.rejectedSteps)
        #expect(spent.rightHandSideEvaluations > 0 && spent.rightHandSideEvaluations < full.rightHandSideEvaluations)
    }
}

@Test("An evaluation budget stops the solve before f is evaluated once more than allowed, keeping the statistics",
      arguments: [GSLStepType.rkf45, .rk8pd, .msadams, .rk4imp])
func evaluationBudgetIsEnforced(stepType: GSLStepType) throws {
    let unlimited = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: stepType,
                                     relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
    let needed = try unlimited.solve(from: 0, to: 10, initial: [1, 0]).statistics.rightHandSideEvaluations
    let enough = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: stepType,
                                  relativeTolerance: 1e-8, absoluteTolerance: 1e-8, maximumEvaluations: needed)
    #expect(try enough.solve(from: 0, to: 10, initial: [1, 0]).statistics.rightHandSideEvaluations == needed)
    let budget = needed / 2
    let short = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: stepType,
                                 relativeTolerance: 1e-8, absoluteTolerance: 1e-8, maximumEvaluations: budget)
    do {
        _ = try short.solve(from: 0, to: 10, initial: [1, 0])
        Issue.record("the evaluation budget was not enforced")
    } catch let GSLODEError.evaluationBudgetExhausted(maximumEvaluations, time) {
        #expect(maximumEvaluations == budget)
        #expect(time > 0 && time < 10)
        #expect(short.lastStatistics.rightHandSideEvaluations == budget)
        #expect(short.lastStatistics.acceptedSteps > 0)
    }
    // The solver is usable again after the failure.
    #expect(throws: Never.self) { try enough.solve(from: 0, to: 1, initial: [1, 0]) }
    #expect(throws: GSLODEError.self) {
        try GSLODESolver(system: ReferenceSystems.oscillator, stepType: stepType,
                         relativeTolerance: 1e-8, absoluteTolerance: 1e-8, maximumEvaluations: 0)
    }
}

@Test("Per-component atol and the RMS norm: unit weights with a constant atol list take GSL's own steps; RMS takes fewer")
func perComponentToleranceAndRootMeanSquare() throws {
    let times = [2.5, 5.0]
    let plain = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkck,
                                 relativeTolerance: 1e-7, absoluteTolerance: 1e-9)
    let listed = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkck,
                                  relativeTolerance: 1e-7, absoluteTolerance: 1e-9, absoluteTolerances: [1e-9, 1e-9])
    let a = try plain.solve(from: 0, to: 5, initial: [1, 0], at: times)
    let b = try listed.solve(from: 0, to: 5, initial: [1, 0], at: times)
    #expect(a.statistics == b.statistics)
    #expect(a.states == b.states)
    // The RMS of two ratios never exceeds their maximum, so RMS accepts longer steps.
    let rms = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkck,
                               relativeTolerance: 1e-7, absoluteTolerance: 1e-9, errorNorm: .rootMeanSquare)
    let c = try rms.solve(from: 0, to: 5, initial: [1, 0], at: times)
    #expect(c.statistics.acceptedSteps <= a.statistics.acceptedSteps)
    #expect(abs(c.states[1][0] - cos(5)) <= 1e-5)
    // A loose atol on component 1 alone makes the solve cheaper than a tight one on both.
    let loose = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkck, relativeTolerance: 1e-12,
                                 absoluteTolerance: 1e-12, absoluteTolerances: [1e-12, 1e-2])
    let tight = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkck, relativeTolerance: 1e-12,
                                 absoluteTolerance: 1e-12)
    #expect(try loose.solve(from: 0, to: 5, initial: [1, 0]).statistics.acceptedSteps
            <= (try tight.solve(from: 0, to: 5, initial: [1, 0]).statistics.acceptedSteps))
    #expect(throws: GSLODEError.self) {
        try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkck, relativeTolerance: 1e-7,
                         absoluteTolerance: 1e-9, absoluteTolerances: [1e-9])
    }
    #expect(throws: GSLODEError.self) {
        try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkck, relativeTolerance: 1e-7,
                         absoluteTolerance: 1e-9, absoluteTolerances: [1e-9, -1])
    }
}

@Test("Blow-up of y' = y² at t = 1 throws stepSizeUnderflow, or stepSizeBelowMinimum when hmin is set")
func blowUpIsReported() throws {
    let system = GSLODESystem(dimension: 1, rightHandSide: { _, y in [y[0] * y[0]] })
    let solver = try GSLODESolver(system: system, stepType: .rkf45,
                                  relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
    do {
        _ = try solver.solve(from: 0, to: 2, initial: [1])
        Issue.record("the blow-up went unnoticed")
    } catch let GSLODEError.stepSizeUnderflow(time, _) {
        #expect(abs(time - 1) < 1e-6)
    }
    let bounded = try GSLODESolver(system: system, stepType: .rkf45, relativeTolerance: 1e-8,
                                   absoluteTolerance: 1e-8, minimumStepSize: 1e-10)
    do {
        _ = try bounded.solve(from: 0, to: 2, initial: [1])
        Issue.record("the blow-up went unnoticed")
    } catch let GSLODEError.stepSizeBelowMinimum(time, stepSize, minimumStepSize) {
        #expect(abs(time - 1) < 1e-6)
        #expect(stepSize < minimumStepSize)
        #expect(minimumStepSize == 1e-10)
    }
}

@Test("Invalid tolerances and step bounds are rejected before GSL runs")
func invalidConfigurationIsRejected() {
    let system = ReferenceSystems.decay()
    let badSettings: [(Double, Double, Double, Double, Double, Int)] = [
        // relativeTolerance, absoluteTolerance, initialStepSize, minimumStepSize, maximumStepSize, maximumSteps
        (0, 1e-6, 1e-6, 0, .infinity, 10),
        (-1e-6, 1e-6, 1e-6, 0, .infinity, 10),
        (.nan, 1e-6, 1e-6, 0, .infinity, 10),
        (.infinity, 1e-6, 1e-6, 0, .infinity, 10),
        (1e-6, -1e-6, 1e-6, 0, .infinity, 10),
        (1e-6, 1e-6, 0, 0, .infinity, 10),
        (1e-6, 1e-6, 1e-6, -1, .infinity, 10),
        (1e-6, 1e-6, 1e-6, 0.5, 0.1, 10),
        (1e-6, 1e-6, 1e-6, 0, 0, 10),
        (1e-6, 1e-6, 1e-6, 0, .infinity, 0),
    ]
    for (rtol, atol, hstart, hmin, hmax, maximumSteps) in badSettings {
        #expect {
            _ = try GSLODESolver(system: system, stepType: .rkf45, relativeTolerance: rtol,
                                 absoluteTolerance: atol, initialStepSize: hstart, minimumStepSize: hmin,
                                 maximumStepSize: hmax, maximumSteps: maximumSteps)
        } throws: { error in
            guard case GSLODEError.invalidArgument = error else { return false }
            return true
        }
    }
}

@Test("A Jacobian-using step type without a Jacobian is rejected instead of crashing in GSL",
      arguments: GSLStepType.allCases.filter(\.usesJacobian))
func missingJacobianIsRejected(stepType: GSLStepType) {
    let system = GSLODESystem(dimension: 1, rightHandSide: { _, y in [-y[0]] })
    #expect(throws: GSLODEError.missingJacobian(stepType: stepType)) {
        _ = try GSLODESolver(system: system, stepType: stepType,
                             relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    }
}

@Test("Output times out of order or outside [t0, t1] are rejected")
func badOutputTimesAreRejected() throws {
    let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .rkf45,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    func rejectedIndex(_ t0: Double, _ t1: Double, _ outputTimes: [Double]) -> Int? {
        do {
            _ = try solver.solve(from: t0, to: t1, initial: [1], at: outputTimes)
            return nil
        } catch let GSLODEError.outputTimesInvalid(index, _, _) {
            return index
        } catch {
            return nil
        }
    }
    #expect(rejectedIndex(0, 1, [0.5, 0.2, 1]) == 1)
    #expect(rejectedIndex(0, 1, [0.5, 1.5]) == 1)
    #expect(rejectedIndex(0, 1, [-0.1]) == 0)
    #expect(rejectedIndex(1, 0, [0.2, 0.5]) == 1)
    #expect(rejectedIndex(0, 1, [.nan]) == 0)
    #expect(throws: GSLODEError.self) { _ = try solver.solve(from: 0, to: 1, initial: [1], at: []) }
    // The solver is still usable after the rejections.
    #expect(try solver.solve(from: 0, to: 1, initial: [1]).states.count == 1)
}

@Test("Wrong lengths of y0, of f(t, y) and of the Jacobian throw dimensionMismatch")
func dimensionMismatchIsRejected() throws {
    let solver = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkf45,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    #expect(throws: GSLODEError.dimensionMismatch(quantity: "initial state y0", expected: 2, actual: 3)) {
        _ = try solver.solve(from: 0, to: 1, initial: [1, 0, 0])
    }
    #expect(throws: GSLODEError.self) { _ = try solver.solve(from: 0, to: 1, initial: [.infinity, 0]) }

    let shortResult = GSLODESystem(dimension: 2, rightHandSide: { _, y in [y[1]] })
    let shortSolver = try GSLODESolver(system: shortResult, stepType: .rk4,
                                       relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    #expect {
        _ = try shortSolver.solve(from: 0, to: 1, initial: [1, 0])
    } throws: { error in
        guard case let GSLODEError.dimensionMismatch(_, expected, actual) = error else { return false }
        return expected == 2 && actual == 1
    }

    let shortJacobian = GSLODESystem(dimension: 2, rightHandSide: { _, y in [y[1], -y[0]] },
                                     jacobian: { _, _ in GSLJacobian(stateJacobian: [0, 1, -1], timeDerivative: [0, 0]) })
    let implicit = try GSLODESolver(system: shortJacobian, stepType: .rk2imp,
                                    relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    #expect {
        _ = try implicit.solve(from: 0, to: 1, initial: [1, 0])
    } throws: { error in
        guard case let GSLODEError.dimensionMismatch(_, expected, actual) = error else { return false }
        return expected == 4 && actual == 3
    }
}

@Test("A zero-dimensional system is rejected")
func zeroDimensionIsRejected() {
    let system = GSLODESystem(dimension: 0, rightHandSide: { _, _ in [] })
    #expect(throws: GSLODEError.self) {
        _ = try GSLODESolver(system: system, stepType: .rkf45, relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    }
}
