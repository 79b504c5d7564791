// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Testing
import TensorCore

/// An error of the field's own, which the solvers must pass through unchanged.
private struct FieldFailure: Error, Equatable {}

@Suite("Own solvers: typed errors for bad input and failed solves")
struct OwnSolverFailureTests {
    static func invalidArgumentMessage(_ body: () throws -> Void) -> String? {
        do {
            try body()
        } catch let ContinuousDepthError.invalidArgument(message) {
            return message
        } catch {
            return nil
        }
        return nil
    }

    /// The option named by an `invalidOption` error, or `nil` for anything else.
    static func invalidOptionName(_ body: () throws -> Void) -> String? {
        do {
            try body()
        } catch let ContinuousDepthError.invalidOption(name, _) {
            return name
        } catch {
            return nil
        }
        return nil
    }

    @Test("Tolerances must be rtol > 0 and atol ≥ 0, both finite; the error names the option")
    func badTolerances() {
        let cases: [(Double, Double, String)] = [
            (0.0, 1e-6, "relativeTolerance"), (-1e-6, 1e-6, "relativeTolerance"), (.nan, 1e-6, "relativeTolerance"),
            (.infinity, 1e-6, "relativeTolerance"), (1e-6, -1e-9, "absoluteTolerance"), (1e-6, .nan, "absoluteTolerance"),
        ]
        for (rtol, atol, expected) in cases {
            let name = Self.invalidOptionName {
                _ = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: rtol, absoluteTolerance: atol)
            }
            #expect(name == expected, "rtol \(rtol), atol \(atol): \(name ?? "no invalidOption")")
        }
    }

    @Test("Step options are checked by name: h0 > 0, 0 ≤ hmin ≤ hmax, maximumSteps ≥ 1, maximumEvaluations ≥ 1")
    func badStepOptions() {
        let cases: [(String, () throws -> Void)] = [
            ("initialStepSize", { _ = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 0, initialStepSize: 0) }),
            ("minimumStepSize", {
                _ = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 0, minimumStepSize: 1, maximumStepSize: 0.5)
            }),
            ("minimumStepSize", { _ = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 0, minimumStepSize: -1) }),
            ("maximumStepSize", { _ = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 0, maximumStepSize: .nan) }),
            ("maximumSteps", { _ = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-6, absoluteTolerance: 0, maximumSteps: 0) }),
            ("maximumEvaluations", {
                _ = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 0, maximumEvaluations: 0)
            }),
            ("absoluteTolerance", { _ = try ErrorTolerance(relative: 1e-6, absolutePerComponent: [1e-6, -1]) }),
            ("absoluteTolerance", { _ = try ErrorTolerance(relative: 1e-6, absolutePerComponent: []) }),
            ("safety", { _ = try ProportionalIntegralController(safety: 1.5) }),
            ("integralGain", { _ = try ProportionalIntegralController(integralGain: 0) }),
            ("maximumFactor", { _ = try ProportionalIntegralController(maximumFactor: .infinity) }),
        ]
        for (expected, body) in cases {
            let name = Self.invalidOptionName(body)
            #expect(name == expected, "\(expected): \(name ?? "no invalidOption")")
        }
        for (expected, body) in [("stepCount", { _ = try FixedStepSolver(.euler, stepCount: 0) }),
                                 ("stepSize", { _ = try FixedStepSolver(.euler, stepSize: -0.1) })] as [(String, () throws -> Void)] {
            let message = Self.invalidArgumentMessage(body)
            #expect(message?.contains(expected) == true, "\(expected): \(message ?? "no invalidArgument")")
        }
    }

    @Test("Output times out of order, outside the span, or off the fixed grid are rejected by name")
    func badOutputTimes() throws {
        let y0 = try OwnSolverProblems.logisticStates()
        let adaptive = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        let fixed = try FixedStepSolver(.rungeKutta4, stepCount: 10)
        let field = OwnSolverProblems.logistic
        let cases: [(String, () throws -> Void)] = [
            ("ordered", { _ = try adaptive.solve(field, initialState: y0, from: 0, to: 1, at: [0.5, 0.2]) }),
            ("ordered", { _ = try adaptive.solve(field, initialState: y0, from: 1, to: 0, at: [0.2, 0.5]) }),
            ("outside the span", { _ = try adaptive.solve(field, initialState: y0, from: 0, to: 1, at: [0.5, 1.5]) }),
            ("outside the span", { _ = try adaptive.solve(field, initialState: y0, from: 0, to: 1, at: [-0.1]) }),
            ("outside the span", { _ = try adaptive.solve(field, initialState: y0, from: 0, to: 1, at: [.nan]) }),
            ("at least one time", { _ = try adaptive.solve(field, initialState: y0, from: 0, to: 1, at: []) }),
            ("t0 ≠ t1", { _ = try adaptive.solve(field, initialState: y0, from: 1, to: 1) }),
            ("t0 ≠ t1", { _ = try fixed.solve(field, initialState: y0, from: 0, to: .infinity) }),
            ("not on the step grid", { _ = try fixed.solve(field, initialState: y0, from: 0, to: 1, at: [0.25]) }),
            ("shape [batch, 1]", { _ = try adaptive.solve(field, initialState: try Tensor([[1, 2]]), from: 0, to: 1) }),
            ("shape [batch, 1]", { _ = try fixed.solve(field, initialState: Tensor([1, 2]), from: 0, to: 1) }),
        ]
        for (expected, body) in cases {
            let message = Self.invalidArgumentMessage(body)
            #expect(message?.contains(expected) == true, "\(expected): \(message ?? "no invalidArgument")")
        }
    }

    @Test("A non-finite initial state is reported at t0")
    func nonFiniteInitialState() throws {
        let y0 = try Tensor([[0.5], [.nan]])
        let adaptive = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        #expect(throws: ContinuousDepthError.nonFinite(time: 0.25, statistics: SolverStatistics())) {
            _ = try adaptive.solve(OwnSolverProblems.logistic, initialState: y0, from: 0.25, to: 1)
        }
        #expect(throws: ContinuousDepthError.nonFinite(time: 0.25, statistics: SolverStatistics())) {
            _ = try FixedStepSolver(.euler, stepCount: 4).solve(OwnSolverProblems.logistic, initialState: y0, from: 0.25, to: 1)
        }
    }

    @Test("Blow-up of y' = y² from y(0) = 1 stops with a typed error within 1e-4 of t = 1")
    func blowUp() throws {
        let square = ClosureVectorField(dimension: 1) { y, _, _ in try y * y }
        let y0 = try Tensor([[1]])
        let adaptive = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        let error = #expect(throws: ContinuousDepthError.self) {
            _ = try adaptive.solve(square, initialState: y0, from: 0, to: 2)
        }
        switch error {
        case let .stepSizeTooSmall(time, _, _)?, let .nonFinite(time, _)?:
            #expect(abs(time - 1) < 1e-4, "stopped at t = \(time): \(String(describing: error))")
        default:
            Issue.record("expected stepSizeTooSmall or nonFinite, got \(String(describing: error))")
        }
        // A fixed step size walks into the overflow and reports the first non-finite grid time.
        let fixedError = #expect(throws: ContinuousDepthError.self) {
            _ = try FixedStepSolver(.rungeKutta4, stepCount: 20).solve(square, initialState: y0, from: 0, to: 2)
        }
        guard case let .nonFinite(time, statistics)? = fixedError else {
            Issue.record("expected nonFinite, got \(String(describing: fixedError))")
            return
        }
        #expect(time >= 1 && time <= 2)
        // RK4 spends 4 evaluations per step; the failing step is the last one evaluated.
        #expect(statistics.functionEvaluations == 4 * Int((time / 0.1).rounded()))
        #expect(statistics.acceptedSteps == Int((time / 0.1).rounded()) - 1)
    }

    @Test("A field that turns NaN after t = 0.5 is reported as non-finite there")
    func nanField() throws {
        let poisoned = ClosureVectorField(dimension: 1) { y, t, _ in try y.scaled(by: t > 0.5 ? .nan : -1) }
        let y0 = try Tensor([[1], [2]])
        let adaptive = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        let error = #expect(throws: ContinuousDepthError.self) {
            _ = try adaptive.solve(poisoned, initialState: y0, from: 0, to: 1)
        }
        guard case let .nonFinite(time, statistics)? = error else {
            Issue.record("expected nonFinite, got \(String(describing: error))")
            return
        }
        #expect(abs(time - 0.5) < 1e-9, "reported at t = \(time)")
        // The statistics of the failed solve are those of the work done: 6 per attempt, 2 to start.
        #expect(statistics.functionEvaluations == 6 * (statistics.acceptedSteps + statistics.rejectedSteps) + 2)
        #expect(statistics.acceptedSteps > 0 && statistics.rejectedSteps > 0)
        // Fixed steps of 0.1: the step from 0.5 evaluates f past 0.5 and gives the first NaN state at 0.6.
        #expect(throws: ContinuousDepthError.nonFinite(
            time: 6 * 0.1, statistics: SolverStatistics(functionEvaluations: 24, acceptedSteps: 5))) {
            _ = try FixedStepSolver(.rungeKutta4, stepSize: 0.1).solve(poisoned, initialState: y0, from: 0, to: 1)
        }
        // NaN at the very first evaluation: reported at t0.
        let nanAtStart = ClosureVectorField(dimension: 1) { y, _, _ in try y.scaled(by: .nan) }
        #expect(throws: ContinuousDepthError.nonFinite(time: 0, statistics: SolverStatistics(functionEvaluations: 1))) {
            _ = try adaptive.solve(nanAtStart, initialState: y0, from: 0, to: 1)
        }
    }

    @Test("More than maximumSteps attempts stops the solve with tooManySteps and the time reached")
    func tooManySteps() throws {
        let field = try OwnSolverProblems.rotationDecay(decay: 0, frequency: 10)
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-8, absoluteTolerance: 1e-8, maximumSteps: 5)
        let error = #expect(throws: ContinuousDepthError.self) {
            _ = try solver.solve(field, initialState: try OwnSolverProblems.twoDimensionalStates(), from: 0, to: 10)
        }
        guard case let .tooManySteps(maximumSteps, time, statistics)? = error else {
            Issue.record("expected tooManySteps, got \(String(describing: error))")
            return
        }
        #expect(maximumSteps == 5)
        #expect(statistics.acceptedSteps + statistics.rejectedSteps == 5)
        #expect(statistics.functionEvaluations == 6 * 5 + 2)
        #expect(error?.statistics == statistics && error?.timeReached == time)
        #expect(time > 0 && time < 10)
    }

    @Test("A rejected step at hmin ends the solve with stepSizeTooSmall")
    func minimumStepSize() throws {
        let field = try OwnSolverProblems.rotationDecay(decay: 0, frequency: 50)
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-10, absoluteTolerance: 1e-10, initialStepSize: 0.5,
                                               minimumStepSize: 0.1)
        let error = #expect(throws: ContinuousDepthError.self) {
            _ = try solver.solve(field, initialState: try OwnSolverProblems.twoDimensionalStates(), from: 0, to: 1)
        }
        guard case .stepSizeTooSmall? = error else {
            Issue.record("expected stepSizeTooSmall, got \(String(describing: error))")
            return
        }
    }

    @Test("The field's own error reaches the caller unchanged, from both solvers and the gradient")
    func fieldErrorIsRethrown() throws {
        let failing = ClosureVectorField(dimension: 1) { y, t, _ in
            if t > 0.3 { throw FieldFailure() }
            return y
        }
        let y0 = try OwnSolverProblems.logisticStates()
        #expect(throws: FieldFailure()) {
            _ = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
                .solve(failing, initialState: y0, from: 0, to: 1)
        }
        #expect(throws: FieldFailure()) {
            _ = try FixedStepSolver(.midpoint, stepCount: 10).solve(failing, initialState: y0, from: 0, to: 1)
        }
        #expect(throws: FieldFailure()) {
            _ = try BackpropThroughSolver(try FixedStepSolver(.euler, stepCount: 10))
                .gradient(of: failing, initialState: y0, from: 0, to: 1) { try $0.sum() }
        }
    }
}
