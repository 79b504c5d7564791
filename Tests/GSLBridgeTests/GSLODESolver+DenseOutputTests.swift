// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import GSLBridge
import TensorCore

/// The slope of `log error` against `log h` (`TensorCore.LogLogFit`).
private func logLogSlope(_ steps: [Double], _ errors: [Double]) throws -> Double {
    try LogLogFit(x: steps, y: errors).slope
}
@Test("The Hermite cubic through exact values and slopes of sin has error shrinking like h⁴")
func hermiteCubicIsFourthOrder() throws {
    let steps = [0.4, 0.2, 0.1, 0.05]
    let errors = steps.map { h -> Double in
        let (a, b) = (1.0, 1.0 + h)
        return (1..<20).map { j -> Double in
            let t = a + Double(j) * h / 20
            let (wa, wfa, wb, wfb) = HermiteCubic.weights(at: (t - a) / h)
            let p = wa * sin(a) + wfa * h * cos(a) + wb * sin(b) + wfb * h * cos(b)
            return abs(p - sin(t))
        }.max() ?? 0
    }
    #expect(try abs(logLogSlope(steps, errors) - 4) <= 0.2)
}

@Test("The dense output of a GSL solve, with the step ends exact to 1e-13, converges like h⁴ in hmax")
func denseOutputIsFourthOrderInTheStep() throws {
    // rk8pd at 1e-13 makes the step ends exact to round-off, so the error between
    // them is the interpolant's own; hmax forces the step length.
    // The steps rk8pd would take at 1e-13 (≈ 0.15) are longer than every hmax here.
    let steps = [0.1, 0.05, 0.025, 0.0125]
    let errors = try steps.map { h -> Double in
        let solver = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rk8pd,
                                      relativeTolerance: 1e-13, absoluteTolerance: 1e-13, initialStepSize: h,
                                      maximumStepSize: h, outputMode: .interpolating)
        let dense = try #require(try solver.solve(from: 0, to: 4, initial: [1, 0]).denseOutput)
        // The middle of every step, where the cubic's error is largest.
        return try zip(dense.times, dense.times.dropFirst()).map { a, b in
            let t = (a + b) / 2
            return abs(try dense.evaluate(at: t)[0] - cos(t))
        }.max() ?? 0
    }
    #expect(try abs(logLogSlope(steps, errors) - 4) <= 0.2)
}

@Test("1 000 interpolated output times cost at most 1.1× the evaluations of one output time",
      arguments: [GSLStepType.rk2, .rk4, .rkf45, .rkck, .rk8pd, .rk4imp, .msadams, .msbdf])
func interpolatedOutputsAreFree(stepType: GSLStepType) throws {
    let solver = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: stepType,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-6, outputMode: .interpolating)
    let many = try solver.solve(from: 0, to: 25, initial: [1, 0], at: (1...1000).map { Double($0) * 0.025 })
    let one = try solver.solve(from: 0, to: 25, initial: [1, 0], at: [25])
    #expect(Double(many.statistics.rightHandSideEvaluations) <= 1.1 * Double(one.statistics.rightHandSideEvaluations))
    // Stepping onto the same times needs a step per output time at least.
    let stepping = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: stepType,
                                    relativeTolerance: 1e-6, absoluteTolerance: 1e-6,
                                    outputMode: .steppingOntoOutputTimes)
    let cut = try stepping.solve(from: 0, to: 25, initial: [1, 0], at: (1...1000).map { Double($0) * 0.025 })
    #expect(cut.statistics.acceptedSteps >= 1000)
    #expect(many.statistics.acceptedSteps < cut.statistics.acceptedSteps)
}

@Test("Interpolated states at 1 000 times of x'' = -x stay within 4× the step-end error and 1500·tol of cos t for the steppers that default to it",
      arguments: GSLStepType.allCases.filter { GSLOutputMode.default(for: $0) == .interpolating && $0 != .rk1imp })
func interpolatedStatesAreAccurate(stepType: GSLStepType) throws {
    // The bound is the measured error at the step ends (up to ~280·tol for the
    // multistep methods at 1e-6, see GSLOutputMode) with room for the cubic.
    let times = (1...1000).map { Double($0) * 0.025 }
    for tolerance in [1e-4, 1e-6] {
        let solver = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: stepType,
                                      relativeTolerance: tolerance, absoluteTolerance: tolerance)
        let solution = try solver.solve(from: 0, to: 25, initial: [1, 0], at: times)
        let error = zip(times, solution.states).map { abs($1[0] - cos($0)) }.max() ?? .infinity
        let knots = try #require(solution.denseOutput)
        let knotError = (0..<knots.times.count).map { abs(knots.state(atKnot: $0)[0] - cos(knots.times[$0])) }.max() ?? 0
        // Interpolating costs at most 4× the error already at the step ends (+ a tolerance for tiny errors)…
        #expect(error <= 4 * knotError + tolerance)
        #expect(error <= 1500 * tolerance)
    }
}

@Test("The dense output reads y(t) anywhere after the solve, backwards in time too, and refuses times outside")
func denseOutputAfterTheSolve() throws {
    let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .rkf45,
                                  relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
    let forward = try #require(try solver.solve(from: 0, to: 2, initial: [1]).denseOutput)
    #expect(forward.times.first == 0 && forward.times.last == 2)
    for t in [0, 0.123, 1.5, 2] { #expect(abs(try forward.evaluate(at: t)[0] - exp(-t)) <= 1e-8) }
    let backward = try #require(try solver.solve(from: 2, to: 0, initial: [exp(-2)]).denseOutput)
    for t in [0.01, 0.7, 1.99] { #expect(abs(try backward.evaluate(at: t)[0] - exp(-t)) <= 1e-8) }
    #expect(throws: GSLODEError.self) { try forward.evaluate(at: 2.5) }
    #expect(throws: GSLODEError.self) { try forward.evaluate(at: .nan) }
    let none = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .rkf45,
                                relativeTolerance: 1e-6, absoluteTolerance: 1e-6, keepsDenseOutput: false)
    #expect(try none.solve(from: 0, to: 1, initial: [1]).denseOutput == nil)
}

@Test("Output times at t0 and repeated times return the same states in both modes")
func outputTimesAtTheStartAndRepeated() throws {
    for mode in GSLOutputMode.allCases {
        let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .rkck,
                                      relativeTolerance: 1e-9, absoluteTolerance: 1e-12, outputMode: mode)
        let solution = try solver.solve(from: 0, to: 1, initial: [1], at: [0, 0, 0.5, 0.5, 1])
        #expect(solution.states[0] == [1] && solution.states[1] == [1])
        #expect(solution.states[2] == solution.states[3])
        #expect(abs(solution.states[2][0] - exp(-0.5)) <= 1e-7)
        #expect(abs(solution.states[4][0] - exp(-1)) <= 1e-7)
    }
}

@Test("A step observer sees every accepted step with its Hermite cubic, stops the solve where it says, and is checked")
func stepObserverStopsTheSolve() throws {
    let solver = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkf45,
                                  relativeTolerance: 1e-10, absoluteTolerance: 1e-10)
    var steps: [GSLAcceptedStep] = []
    let times = (1...20).map { Double($0) * 0.25 }
    let solution = try solver.solve(from: 0, to: 5, initial: [1, 0], at: times) { step in
        steps.append(step)
        // Stop at t = 2 (inside the step that crosses it).
        return step.start < 2 && step.end >= 2 ? 2 : nil
    }
    #expect(solution.times == times.filter { $0 <= 2 })
    #expect(abs(try #require(solution.finalState)[0] - cos(2)) <= 1e-8)
    #expect(zip(steps, steps.dropFirst()).allSatisfy { $0.end == $1.start })
    for step in steps {
        let middle = (step.start + step.end) / 2
        #expect(abs(try step.state(at: middle)[0] - cos(middle)) <= 1e-8)
        #expect(throws: GSLODEError.self) { try step.state(at: step.end + 1) }
    }
    #expect(steps.last?.statistics.acceptedSteps == steps.count)
    // A stop outside the step is refused with a typed error.
    #expect(throws: GSLODEError.self) {
        try solver.solve(from: 0, to: 5, initial: [1, 0], at: [5]) { step in step.end + 1 }
    }
}
