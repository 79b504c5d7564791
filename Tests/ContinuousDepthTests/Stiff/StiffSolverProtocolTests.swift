// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif
import ContinuousDepth
import Testing
import TensorCore
import TestSupport

@Suite("Implicit solvers on the solver protocol: dense output, events, failures")
struct StiffSolverProtocolTests {
    static let decay = try! StiffReferenceProblems.Linear(eigenvalues: [-50])

    @Test("The Hermite dense output matches e^{−50t} between steps within 1e-6 (rtol 1e-8)", arguments: StiffMethod.allCases)
    func denseOutput(method: StiffMethod) throws {
        let x0 = try Tensor([[1], [-2]])
        let solution = try method.solver(rtol: 1e-8, atol: 1e-10).solve(
            StiffProblems.linear(Self.decay), initialState: x0, from: 0, to: 0.2, saving: .times([0.2]), events: [],
            keepingDenseOutput: true)
        let interpolant = try #require(solution.interpolant)
        #expect(interpolant.endTime == 0.2)
        for t in stride(from: 0.0, through: 0.2, by: 0.0137) {
            let error = StiffProblems.maximumDifference(try interpolant.value(at: t), try Self.decay.exact(x0, at: t))
            #expect(error < 1e-6, "t = \(t): \(error)")
        }
        #expect(throws: ContinuousDepthError.self) { try interpolant.value(at: 0.3) }
    }

    @Test("A terminal event y = ½ on y′ = −50y stops at ln 2 / 50 within 1e-7", arguments: StiffMethod.allCases)
    func terminalEvent(method: StiffMethod) throws {
        let event = try ODEEvent(direction: .decreasing, isTerminal: true) { _, state in state[0, 0] - 0.5 }
        let solution = try method.solver(rtol: 1e-9, atol: 1e-12).solve(
            StiffProblems.linear(Self.decay), initialState: try Tensor([[1]]), from: 0, to: 1, saving: .times([1]),
            events: [event], keepingDenseOutput: false)
        let occurrence = try #require(solution.terminalEvent)
        #expect(abs(occurrence.time - log(2) / 50) < 1e-7)
        #expect(solution.times.last == occurrence.time)
        #expect(abs(occurrence.state[0, 0] - 0.5) < 1e-7)
    }

    @Test("A non-finite initial state, a step limit and an evaluation budget are typed errors; the last two carry statistics",
          arguments: StiffMethod.allCases)
    func failures(method: StiffMethod) throws {
        let field = StiffProblems.robertson
        #expect(throws: ContinuousDepthError.self) {
            _ = try method.solver(rtol: 1e-6, atol: 1e-8).solve(field, initialState: try Tensor([[Double.nan, 0, 0]]),
                                                                from: 0, to: 1)
        }
        let options = try SolverOptions(relativeTolerance: 1e-8, absoluteTolerance: 1e-12, maximumSteps: 5)
        let limited: any ODESolver = method == .kvaerno5 ? try Kvaerno5Solver(options: options) : Rodas4Solver(options: options)
        do {
            _ = try limited.solve(field, initialState: try Tensor([[1, 0, 0]]), from: 0, to: 40)
            Issue.record("expected tooManySteps")
        } catch let ContinuousDepthError.tooManySteps(n, t, statistics) {
            #expect(n == 5 && t > 0 && t < 40)
            #expect(statistics.acceptedSteps + statistics.rejectedSteps == 5)
            #expect(statistics.jacobianEvaluations >= 1)
        }
        let budget = try SolverOptions(relativeTolerance: 1e-8, absoluteTolerance: 1e-12, maximumEvaluations: 40)
        let budgeted: any ODESolver = method == .kvaerno5 ? try Kvaerno5Solver(options: budget) : Rodas4Solver(options: budget)
        do {
            _ = try budgeted.solve(field, initialState: try Tensor([[1, 0, 0]]), from: 0, to: 40)
            Issue.record("expected evaluationBudgetExhausted")
        } catch let ContinuousDepthError.evaluationBudgetExhausted(n, _, statistics) {
            #expect(n == 40 && statistics.functionEvaluations > 40)
        }
    }

    @Test("Kvaerno5 refuses maximumNewtonIterations below 1, naming the option")
    func newtonIterationOption() throws {
        let options = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        #expect(throws: ContinuousDepthError.invalidOption(name: "maximumNewtonIterations", reason: "must be at least 1; got 0")) {
            try Kvaerno5Solver(options: options, maximumNewtonIterations: 0)
        }
    }
}
