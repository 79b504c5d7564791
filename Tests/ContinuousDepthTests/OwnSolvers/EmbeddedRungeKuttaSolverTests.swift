// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif
import ContinuousDepth
import Testing
import TensorCore

@Suite("Embedded Runge–Kutta driver with Dormand–Prince 5(4)")
struct EmbeddedRungeKuttaSolverTests {
    static let (decay, frequency) = (0.2, 3.0)

    static func field() throws -> ClosureVectorField {
        try OwnSolverProblems.rotationDecay(decay: decay, frequency: frequency)
    }

    static func exact(_ x0: Tensor, at t: Double) throws -> Tensor {
        try OwnSolverProblems.rotationDecayExact(x0, at: t, decay: decay, frequency: frequency)
    }

    @Test("The global error is proportional to rtol: within [rtol/10, 10·rtol] and falling, for rtol = 1e-4 … 1e-10")
    func errorIsProportionalToTolerance() throws {
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let exact = try Self.exact(x0, at: 5)
        var errors: [Double] = []
        for exponent in 4...10 {
            let rtol = pow(10, -Double(exponent))
            let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: rtol, absoluteTolerance: rtol)
            let final = try #require(try solver.solve(try Self.field(), initialState: x0, from: 0, to: 5).finalState)
            let error = try OwnSolverProblems.maximumError(final, exact)
            errors.append(error)
            #expect(error <= 10 * rtol && error >= rtol / 10, "rtol \(rtol): error \(error)")
        }
        for k in 1..<errors.count { #expect(errors[k] < errors[k - 1], "errors \(errors)") }
        // Four decades of tolerance buy roughly four decades of accuracy.
        #expect(errors[0] / errors[errors.count - 1] > 1e5, "errors \(errors)")
    }

    @Test("Dense output at 50 off-step times is as accurate as the step ends and costs no evaluation")
    func denseOutput() throws {
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-7, absoluteTolerance: 1e-9)
        let steps = try solver.solve(try Self.field(), initialState: x0, from: 0, to: 5, saving: .everyStep)
        var endpointError = 0.0
        for (t, state) in zip(steps.times, steps.states) {
            endpointError = max(endpointError, try OwnSolverProblems.maximumError(state, try Self.exact(x0, at: t)))
        }
        let outputTimes = (1...50).map { 5 * (Double($0) - 0.37) / 50 }
        #expect(outputTimes.allSatisfy { !steps.times.contains($0) })
        let dense = try solver.solve(try Self.field(), initialState: x0, from: 0, to: 5, at: outputTimes + [5])
        var denseError = 0.0
        for (t, state) in zip(dense.times, dense.states) {
            denseError = max(denseError, try OwnSolverProblems.maximumError(state, try Self.exact(x0, at: t)))
        }
        #expect(denseError <= 3 * endpointError, "dense \(denseError), endpoints \(endpointError)")
        #expect(denseError < 1e-6)
        #expect(dense.statistics == steps.statistics)
        let finalOnly = try solver.solve(try Self.field(), initialState: x0, from: 0, to: 5)
        #expect(finalOnly.statistics == steps.statistics)
        #expect(finalOnly.states == [dense.states[50]])
    }

    @Test("Harmonic oscillator over 20 periods at rtol 1e-9: energy and phase errors stay below 1e-7")
    func harmonicOscillator() throws {
        let oscillator = try OwnSolverProblems.rotationDecay(decay: 0, frequency: 1)
        let x0 = try Tensor([[1, 0]])
        let periods = 20.0
        let t1 = periods * 2 * Double.pi
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-9, absoluteTolerance: 1e-11)
        let trajectory = try solver.solve(oscillator, initialState: x0, from: 0, to: t1,
                                          at: (1...40).map { Double($0) * t1 / 40 })
        for (t, state) in zip(trajectory.times, trajectory.states) {
            let (q, p) = (state[0, 0], state[0, 1])
            #expect(abs(q * q + p * p - 1) < 1e-7, "energy at t = \(t)")
            let phase = atan2(p, q) - t.truncatingRemainder(dividingBy: 2 * Double.pi)
            let wrapped = remainder(phase, 2 * Double.pi)
            #expect(abs(wrapped) < 1e-7, "phase at t = \(t): \(wrapped)")
        }
    }

    @Test("Evaluations are 6·(accepted + rejected) + 1, plus 1 for the automatic first step")
    func evaluationCount() throws {
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let automatic = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        let a = try automatic.solve(try Self.field(), initialState: x0, from: 0, to: 3).statistics
        #expect(a.functionEvaluations == 6 * (a.acceptedSteps + a.rejectedSteps) + 2)
        // A far too large first step is rejected, and rejections are counted.
        let given = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-6, absoluteTolerance: 1e-8, initialStepSize: 2)
        let g = try given.solve(try Self.field(), initialState: x0, from: 0, to: 3).statistics
        #expect(g.rejectedSteps >= 1)
        #expect(g.functionEvaluations == 6 * (g.acceptedSteps + g.rejectedSteps) + 1)
    }

    @Test("Every-step output starts at t0, ends exactly at t1, and respects hmax")
    func everyStepAndMaximumStep() throws {
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-3, absoluteTolerance: 1e-3, maximumStepSize: 0.1)
        let trajectory = try solver.solve(try Self.field(), initialState: x0, from: 0, to: 1, saving: .everyStep)
        #expect(trajectory.times.first == 0)
        #expect(trajectory.times.last == 1)
        #expect(trajectory.times.count == trajectory.statistics.acceptedSteps + 1)
        #expect(trajectory.states[0] == x0)
        for k in 1..<trajectory.times.count {
            let h = trajectory.times[k] - trajectory.times[k - 1]
            #expect(h > 0 && h <= 0.1 * (1 + 1e-12))
        }
    }

    @Test("Backwards in time, the solve matches the exact flow and undoes the forward solve")
    func backwards() throws {
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
        let forward = try #require(try solver.solve(try Self.field(), initialState: x0, from: 0, to: 2).finalState)
        let back = try solver.solve(try Self.field(), initialState: forward, from: 2, to: 0, at: [1.5, 0])
        #expect(back.times == [1.5, 0])
        #expect(try OwnSolverProblems.maximumError(back.states[1], x0) < 1e-8)
        let middle = try OwnSolverProblems.rotationDecayExact(forward, at: -0.5, decay: Self.decay, frequency: Self.frequency)
        #expect(try OwnSolverProblems.maximumError(back.states[0], middle) < 1e-8)
    }

    @Test("Output times may repeat and include t0, which returns the initial state")
    func repeatedAndInitialOutputs() throws {
        let y0 = try OwnSolverProblems.logisticStates()
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-8, absoluteTolerance: 1e-10)
        let trajectory = try solver.solve(OwnSolverProblems.logistic, initialState: y0, from: 0, to: 2, at: [0, 0.7, 0.7, 1.3])
        #expect(trajectory.states[0] == y0)
        #expect(trajectory.states[1] == trajectory.states[2])
        for (t, state) in zip(trajectory.times, trajectory.states) {
            #expect(state.isApproximatelyEqual(to: OwnSolverProblems.logisticExact(y0, at: t), relativeTolerance: 1e-7))
        }
    }
}
