// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import GSLBridge
import TensorCore
import Testing

/// `x(t) = e^{tA} x0` of the damped rotation, row by row.
private func exactRotation(_ x0: Tensor, at t: Double, alpha: Double, omega: Double) throws -> Tensor {
    let decay = exp(-alpha * t)
    let (c, s) = (cos(omega * t), sin(omega * t))
    let m = try Tensor([[decay * c, decay * s], [-decay * s, decay * c]])  // (e^{tA})ᵀ for row vectors
    return try x0.matmul(m)
}

@Test("GSL through ODESolver: the Hermite interpolant matches the exact flow anywhere, and .everyStep returns the step ends")
func gslSolverProtocolDenseOutput() throws {
    let a = try Fixtures.dampedRotation(alpha: 0.3, omega: 2)
    let field = try Fixtures.linearField(a)
    let x0 = try Fixtures.batch(3, 2, seed: 91)
    let options = try SolverOptions(relativeTolerance: 1e-8, absoluteTolerance: 1e-10, norm: .maximum)
    let solver: any ODESolver = GSLNeuralODESolver(stepType: .rkck, options: options)
    let solution = try solver.solve(field, initialState: x0, from: 0, to: 3, saving: .times([1, 3]), events: [],
                                    keepingDenseOutput: true)
    let interpolant = try #require(solution.interpolant)
    #expect(interpolant.order == 3)
    for t in [0.0, 0.37, 1.5, 2.99, 3.0] {
        let error = try interpolant.value(at: t).adding(try exactRotation(x0, at: t, alpha: 0.3, omega: 2), scaledBy: -1)
        #expect(error.scalars.map(abs).max() ?? 1 <= 1e-5)
    }
    #expect(throws: ContinuousDepthError.self) { try interpolant.value(at: 3.5) }
    // Without the request, no interpolant is kept.
    #expect(try solver.solve(field, initialState: x0, from: 0, to: 3).interpolant == nil)
    // Every step: t0 first, then the accepted step ends.
    let steps = try solver.solve(field, initialState: x0, from: 0, to: 3, saving: .everyStep)
    #expect(steps.times.first == 0 && steps.times.last == 3)
    #expect(steps.times.count == steps.statistics.acceptedSteps + 1)
    // The automatic first step's two evaluations are counted.
    let fixedStart = try GSLNeuralODESolver(
        stepType: .rkck, options: try SolverOptions(relativeTolerance: 1e-8, absoluteTolerance: 1e-10, norm: .maximum,
                                                    initialStepSize: 1e-3))
        .solve(field, initialState: x0, from: 0, to: 3)
    #expect(fixedStart.statistics.functionEvaluations
            == fixedStart.statistics.acceptedSteps * 6 + fixedStart.statistics.rejectedSteps * 6 + 1)
}

@Test("GSL with an evaluation budget stops with evaluationBudgetExhausted, never exceeding it, and keeps the statistics")
func gslEvaluationBudget() throws {
    let field = try Fixtures.neuralField(dimension: 2, hidden: 4, seed: 92)
    let x0 = try Fixtures.batch(2, 2, seed: 93)
    let full = try GSLNeuralODESolver(stepType: .rkf45, options: try SolverOptions(relativeTolerance: 1e-9, absoluteTolerance: 1e-9))
        .solve(field, initialState: x0, from: 0, to: 5)
    let budget = full.statistics.functionEvaluations / 2
    let limited = GSLNeuralODESolver(stepType: .rkf45, options: try SolverOptions(
        relativeTolerance: 1e-9, absoluteTolerance: 1e-9, maximumEvaluations: budget))
    #expect {
        _ = try limited.solve(field, initialState: x0, from: 0, to: 5)
    } throws: { error in
        guard case let ContinuousDepthError.evaluationBudgetExhausted(maximum, time, statistics) = error else { return false }
        return maximum == budget && time > 0 && time < 5 && statistics.functionEvaluations == budget
            && statistics.acceptedSteps > 0
    }
}

@Test("GSL failures carry the statistics of the failed solve; the step limit counts attempted steps")
func gslFailureStatistics() throws {
    let field = try Fixtures.neuralField(dimension: 2, hidden: 4, seed: 62)
    let solver = GSLNeuralODESolver(stepType: .rk2, relativeTolerance: 1e-10, absoluteTolerance: 1e-10, maximumSteps: 5)
    #expect {
        _ = try solver.solve(field, initialState: try Fixtures.batch(2, 2, seed: 63), from: 0, to: 10)
    } throws: { error in
        guard case let ContinuousDepthError.tooManySteps(_, _, statistics) = error else { return false }
        return statistics.acceptedSteps + statistics.rejectedSteps >= 5 && statistics.functionEvaluations > 0
    }
}

@Test("GSL's RMS norm and per-component atol follow SolverOptions")
func gslOptionsFollowTheProtocol() throws {
    let field = try Fixtures.neuralField(dimension: 2, hidden: 4, seed: 94)
    let x0 = try Fixtures.batch(4, 2, seed: 95)
    let maximum = try GSLNeuralODESolver(stepType: .rkck, options: try SolverOptions(
        relativeTolerance: 1e-7, absoluteTolerance: 1e-9, norm: .maximum)).solve(field, initialState: x0, from: 0, to: 4)
    let rms = try GSLNeuralODESolver(stepType: .rkck, options: try SolverOptions(
        relativeTolerance: 1e-7, absoluteTolerance: 1e-9, norm: .rootMeanSquare)).solve(field, initialState: x0, from: 0, to: 4)
    #expect(rms.statistics.acceptedSteps <= maximum.statistics.acceptedSteps)
    let perComponent = try GSLNeuralODESolver(stepType: .rkck, options: try SolverOptions(
        tolerance: try ErrorTolerance(relative: 1e-7, absolutePerComponent: [1e-9, 1e-9], norm: .maximum)))
        .solve(field, initialState: x0, from: 0, to: 4)
    #expect(perComponent.statistics == maximum.statistics)  // the same atol listed per component
    let wrongWidth = GSLNeuralODESolver(stepType: .rkck, options: try SolverOptions(
        tolerance: try ErrorTolerance(relative: 1e-7, absolutePerComponent: [1e-9, 1e-9, 1e-9])))
    #expect(throws: ContinuousDepthError.self) { try wrongWidth.solve(field, initialState: x0, from: 0, to: 1) }
}

@Test("Events on GSL solves: the zero crossings of a harmonic oscillator at π and 2π, a terminal one stopping the solve",
      arguments: [GSLOutputMode.interpolating, .steppingOntoOutputTimes])
func gslEventsOnTheOscillator(mode: GSLOutputMode) throws {
    let field = try Fixtures.linearField(try Fixtures.dampedRotation(alpha: 0, omega: 1))
    let x0 = try Tensor([[1.0, 0.0]])  // x(t) = (cos t, sin t)
    let solver = GSLNeuralODESolver(stepType: .rkck, options: try SolverOptions(
        relativeTolerance: 1e-10, absoluteTolerance: 1e-12, norm: .maximum), outputMode: mode)
    let crossing = try ODEEvent(timeTolerance: 1e-12) { _, x in x.scalars[1] }
    let rising = try ODEEvent(direction: .increasing, timeTolerance: 1e-12) { _, x in x.scalars[1] }
    let times = (1...14).map { Double($0) * 0.5 }
    let all = try solver.solve(field, initialState: x0, from: 0, to: 7, saving: .times(times),
                               events: [crossing, rising], keepingDenseOutput: false)
    #expect(all.times == times)
    #expect(all.events.map(\.index) == [0, 0, 1])
    for (occurrence, expected) in zip(all.events, [Double.pi, 2 * .pi, 2 * .pi]) {
        #expect(abs(occurrence.time - expected) <= 1e-7)
        #expect(abs(occurrence.state.scalars[1]) <= 1e-7)
    }
    // Terminal at the first crossing: the outputs after π are left out, the dense output ends there.
    let stop = try ODEEvent(isTerminal: true, timeTolerance: 1e-12) { _, x in x.scalars[1] }
    let stopped = try solver.solve(field, initialState: x0, from: 0, to: 7, saving: .times(times), events: [stop],
                                   keepingDenseOutput: true)
    #expect(stopped.times == times.filter { $0 < .pi })
    let event = try #require(stopped.terminalEvent)
    #expect(abs(event.time - .pi) <= 1e-7)
    #expect(abs(try #require(stopped.interpolant).endTime - event.time) == 0)
    for (t, state) in zip(stopped.times, stopped.states) { #expect(abs(state.scalars[0] - cos(t)) <= 1e-7) }
    // Every step: the grid ends with the event's state.
    let grid = try solver.solve(field, initialState: x0, from: 0, to: 7, saving: .everyStep, events: [stop],
                                keepingDenseOutput: false)
    #expect(grid.times.last == (try #require(grid.terminalEvent)).time)
    #expect(abs((try #require(grid.times.last)) - .pi) <= 1e-7)
    #expect(abs(try #require(grid.states.last).scalars[0] + 1) <= 1e-7)
    // A NaN event value is a typed error with the statistics so far.
    let broken = try ODEEvent { t, _ in t > 1 ? .nan : 1 }
    #expect {
        _ = try solver.solve(field, initialState: x0, from: 0, to: 7, saving: .times([7]), events: [broken],
                             keepingDenseOutput: false)
    } throws: { error in
        guard case let ContinuousDepthError.eventFunctionNotFinite(index, time, statistics) = error else { return false }
        return index == 0 && time > 1 && statistics.acceptedSteps > 0
    }
}
