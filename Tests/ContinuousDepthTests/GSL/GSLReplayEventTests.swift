// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import GSLBridge
import Testing
import TensorCore
import TestSupport

/// Backprop through a GSL solve that a terminal event stops: GSL locates the event, the
/// replay ends on the tape at the event time with the last step's cubic Hermite state
/// (saving every step, the trajectory's last state is the event's).
/// The event here is `g(t, y) = t − 0.637`, so its time does not move with `x₀` and central
/// differences of GSL's own solve measure the same derivative as the replay.
@Suite("GSL backprop with events: the replay stops at a terminal event with GSL's state")
struct GSLReplayEventTests {
    static let stop = 0.637

    static func event() throws -> ODEEvent {
        try ODEEvent(direction: .increasing, isTerminal: true, timeTolerance: 1e-13) { t, _ in t - stop }
    }

    @Test("The replayed trajectory ends at the event with GSL's state; its gradient matches central differences",
          arguments: [GSLStepType.rkck, .rk4imp, .msadams])
    func terminalEvent(stepType: GSLStepType) throws {
        let field = GradientTestProblem.field, x0 = GradientTestProblem.x0
        let solver = GSLNeuralODESolver(stepType: stepType, relativeTolerance: 1e-10, absoluteTolerance: 1e-12,
                                        initialStepSize: 1e-3)
        let theta = field.parameters.values.map { Variable($0) }
        let forward = try solver.solve(field, initialState: x0, from: 0, to: 1, saving: .everyStep, events: [Self.event()],
                                       keepingDenseOutput: false)
        let replayed = try GSLReplaySolver(solver).solve(field, initialState: Variable(x0), parameters: theta, from: 0, to: 1,
                                                         saving: .everyStep, events: [Self.event()], keepingDenseOutput: false)
        let end = try #require(replayed.times.last)
        #expect(abs(end - Self.stop) <= 1e-12, "stopped at \(end)")
        #expect(replayed.events.count == 1 && replayed.events[0].isTerminal)
        let final = try #require(replayed.finalState).value, gslFinal = try #require(forward.states.last)
        let mismatch = try (final - gslFinal).maxNorm()
        #expect(mismatch <= 1e-10 * Swift.max(1, gslFinal.maxNorm()), "\(stepType): replayed vs GSL \(mismatch)")

        let (_, gradient) = try valueWithGradient(at: x0) { x in
            let trajectory = try GSLReplaySolver(solver).solve(field, initialState: x, parameters: theta, from: 0, to: 1,
                                                               saving: .everyStep, events: [Self.event()],
                                                               keepingDenseOutput: false)
            return try trajectory.finalState!.square().sum() * 0.5
        }
        let differences = try FiniteDifferences.gradient(at: x0, step: 1e-5) { x in
            let states = try solver.solve(field, initialState: x, from: 0, to: 1, saving: .everyStep, events: [Self.event()],
                                          keepingDenseOutput: false).states
            return 0.5 * states[states.count - 1].square().sum()
        }
        let error = try gradient.relativeDifference(to: differences)
        print("GSL \(stepType) terminal event: gradient vs central differences \(error)")
        #expect(error <= 1e-6, "\(stepType): \(error)")
    }
}
