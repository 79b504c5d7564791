// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif
import ContinuousDepth
import Testing
import RungeKuttaMethods
import TensorCore

private struct EventFailure: Error, Equatable {}

/// Events located on the dense output, checked against exact event times.
@Suite("Events: zero crossings located on the dense output")
struct EventLocationTests {
    /// `x' = −v, v' = x` from (1, 0): `x = cos t`, `v = sin t`.
    static func oscillator() throws -> ClosureVectorField {
        try OwnSolverProblems.rotationDecay(decay: 0, frequency: 1)
    }

    /// Free fall `h' = v`, `v' = −g` with `g = 9.81`, as `x·Wᵀ + b`.
    static func freeFall() throws -> ClosureVectorField {
        let weight = try Tensor([[0, 1], [0, 0]])
        let bias = Tensor([0, -9.81])
        return ClosureVectorField(dimension: 2) { x, _, _ in
            try Variable.linear(x, weight: Variable(weight), bias: Variable(bias))
        }
    }

    static func solver(_ tableau: ButcherTableau = .dormandPrince54, rtol: Double = 1e-10) throws -> EmbeddedRungeKuttaSolver {
        try EmbeddedRungeKuttaSolver(tableau, relativeTolerance: rtol, absoluteTolerance: rtol / 10)
    }

    @Test("The oscillator's zero crossings x = 0 are at π/2 + kπ, to 1e-9, with the sign change's direction",
          arguments: [ButcherTableau.dormandPrince54, .tsitouras54])
    func oscillatorCrossings(tableau: ButcherTableau) throws {
        let x0 = try Tensor([[1, 0]])
        let crossing = try ODEEvent { _, state in state[0, 0] }
        let rising = try ODEEvent(direction: .increasing) { _, state in state[0, 0] }
        let trajectory = try Self.solver(tableau).solve(try Self.oscillator(), initialState: x0, from: 0, to: 10,
                                                        saving: .times([10]), events: [crossing, rising],
                                                        keepingDenseOutput: false)
        let all = trajectory.events.filter { $0.index == 0 }
        #expect(all.count == 3)
        for (k, occurrence) in all.enumerated() {
            let exact = Double.pi / 2 + Double(k) * Double.pi
            #expect(abs(occurrence.time - exact) <= 1e-9, "\(tableau.name) crossing \(k): \(occurrence.time) vs \(exact)")
            #expect(abs(occurrence.state[0, 0]) <= 1e-9)
            #expect(abs(occurrence.state[0, 1] - sin(exact)) <= 1e-9)
            #expect(!occurrence.isTerminal)
        }
        // Only the upward crossing at 3π/2 has x going from negative to positive.
        let up = trajectory.events.filter { $0.index == 1 }
        #expect(up.count == 1)
        #expect(abs((up.first?.time ?? 0) - 3 * Double.pi / 2) <= 1e-9)
        #expect(trajectory.times == [10] && trajectory.terminalEvent == nil)
        // Occurrences come in time order.
        #expect(trajectory.events.map(\.time) == trajectory.events.map(\.time).sorted())
    }

    @Test("A bouncing ball dropped from 10 m hits the ground (terminal event) at √(2·10/g), every method",
          arguments: EmbeddedPairOrderTests.methods)
    func bouncingBallImpact(tableau: ButcherTableau) throws {
        let g = 9.81
        let impact = (2 * 10 / g).squareRoot()
        let ground = try ODEEvent(direction: .decreasing, isTerminal: true) { _, state in state[0, 0] }
        // The solution is quadratic in t: every method and its dense output are exact up to rounding.
        let solver = try EmbeddedRungeKuttaSolver(tableau, relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
        let trajectory = try solver.solve(try Self.freeFall(), initialState: try Tensor([[10, 0]]), from: 0, to: 5,
                                          saving: .everyStep, events: [ground], keepingDenseOutput: true)
        let hit = try #require(trajectory.terminalEvent)
        #expect(abs(hit.time - impact) <= 1e-11, "\(tableau.name): impact at \(hit.time), exact \(impact)")
        #expect(abs(hit.state[0, 1] + g * impact) <= 1e-9)
        // The solve stops there: every-step output ends with the event, dense output reaches it.
        #expect(trajectory.times.last == hit.time)
        #expect(trajectory.states.last == hit.state)
        #expect(trajectory.interpolant?.endTime == hit.time)
        #expect(trajectory.times.allSatisfy { $0 <= hit.time })
    }

    @Test("After a terminal event the later output times are left out")
    func terminalEventTruncatesOutputs() throws {
        let ground = try ODEEvent(direction: .decreasing, isTerminal: true) { _, state in state[0, 0] }
        let trajectory = try Self.solver().solve(try Self.freeFall(), initialState: try Tensor([[10, 0]]), from: 0, to: 5,
                                                 saving: .times([0.5, 1, 1.5, 2, 3]), events: [ground],
                                                 keepingDenseOutput: false)
        #expect(trajectory.times == [0.5, 1])  // impact at 1.428 s
        #expect(abs(trajectory.states[1][0, 0] - (10 - 9.81 / 2)) <= 1e-12)
    }

    @Test("Bounces: restarting after each impact with 0.8 of the speed gives impact times in a geometric series")
    func bounces() throws {
        let g = 9.81
        let ground = try ODEEvent(direction: .decreasing, isTerminal: true) { _, state in state[0, 0] }
        var (t, state) = (0.0, try Tensor([[10, 0]]))
        var impacts: [Double] = []
        for _ in 0..<3 {
            let trajectory = try Self.solver().solve(try Self.freeFall(), initialState: state, from: t, to: t + 10,
                                                     saving: .times([t + 10]), events: [ground], keepingDenseOutput: false)
            let hit = try #require(trajectory.terminalEvent)
            impacts.append(hit.time)
            t = hit.time
            state = try Tensor([[0, -0.8 * hit.state[0, 1]]])
        }
        // First fall √(2h/g), then flights of 2·v/g with v = 0.8ᵏ·√(2gh).
        let first = (2 * 10 / g).squareRoot()
        let speed = g * first
        let expected = [first, first + 2 * 0.8 * speed / g, first + 2 * 0.8 * speed / g + 2 * 0.64 * speed / g]
        for (a, b) in zip(impacts, expected) { #expect(abs(a - b) <= 1e-10, "\(a) vs \(b)") }
    }

    @Test("An event function returning NaN is a typed error with the time and statistics; its own errors pass through")
    func eventFunctionFailures() throws {
        let poisoned = try ODEEvent { t, state in t > 1 ? .nan : state[0, 0] }
        let error = #expect(throws: ContinuousDepthError.self) {
            _ = try Self.solver().solve(try Self.oscillator(), initialState: try Tensor([[1, 0]]), from: 0, to: 3,
                                        saving: .times([3]), events: [poisoned], keepingDenseOutput: false)
        }
        guard case let .eventFunctionNotFinite(index, time, statistics)? = error else {
            Issue.record("expected eventFunctionNotFinite, got \(String(describing: error))")
            return
        }
        #expect(index == 0 && time > 1 && time <= 3)
        #expect(statistics.acceptedSteps > 0 && statistics.functionEvaluations > 0)
        let nanAtStart = try ODEEvent { _, _ in .infinity }
        #expect(throws: ContinuousDepthError.eventFunctionNotFinite(index: 1, time: 0,
                                                                   statistics: SolverStatistics(functionEvaluations: 1))) {
            _ = try Self.solver(rtol: 1e-6).solve(try Self.oscillator(), initialState: try Tensor([[1, 0]]), from: 0, to: 3,
                                                  saving: .times([3]), events: [poisoned, nanAtStart],
                                                  keepingDenseOutput: false)
        }
        let throwing = try ODEEvent { t, _ in
            if t > 0.5 { throw EventFailure() }
            return 1
        }
        #expect(throws: EventFailure()) {
            _ = try Self.solver().solve(try Self.oscillator(), initialState: try Tensor([[1, 0]]), from: 0, to: 3,
                                        saving: .times([3]), events: [throwing], keepingDenseOutput: false)
        }
        #expect(throws: ContinuousDepthError.invalidOption(name: "timeTolerance",
                                                           reason: "must be positive and finite; got 0.0")) {
            _ = try ODEEvent(timeTolerance: 0) { _, _ in 0 }
        }
    }

    @Test("Backwards in time, crossings are found in the order of integration")
    func backwardsEvents() throws {
        let crossing = try ODEEvent { _, state in state[0, 0] }
        let start = try Tensor([[cos(7.0), sin(7.0)]])
        let trajectory = try Self.solver().solve(try Self.oscillator(), initialState: start, from: 7, to: 0,
                                                 saving: .times([0]), events: [crossing], keepingDenseOutput: false)
        let times = trajectory.events.map(\.time)
        let expected = [3 * Double.pi / 2, Double.pi / 2]
        #expect(times.count == 2)
        for (a, b) in zip(times, expected) { #expect(abs(a - b) <= 1e-9) }
    }

    @Test("Brent's method locates the crossing to the event's time tolerance (bracket length)")
    func timeTolerance() throws {
        let loose = try ODEEvent(timeTolerance: 1e-3) { _, state in state[0, 0] }
        let tight = try ODEEvent(timeTolerance: 1e-13) { _, state in state[0, 0] }
        let trajectory = try Self.solver(rtol: 1e-12).solve(try Self.oscillator(), initialState: try Tensor([[1, 0]]),
                                                            from: 0, to: 2, saving: .times([2]), events: [loose, tight],
                                                            keepingDenseOutput: false)
        let (a, b) = (trajectory.events.first { $0.index == 0 }, trajectory.events.first { $0.index == 1 })
        #expect(abs((a?.time ?? 0) - Double.pi / 2) <= 1e-3)
        #expect(abs((b?.time ?? 0) - Double.pi / 2) <= 1e-11)
        // The reported time is on the far side of the crossing: x has already changed sign there.
        #expect((a?.state[0, 0] ?? 1) <= 0 && (b?.state[0, 0] ?? 1) <= 0)
    }
}
