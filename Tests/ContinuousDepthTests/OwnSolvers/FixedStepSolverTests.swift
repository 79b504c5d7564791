// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Testing
import NetworkLayers
import RungeKuttaMethods
import TensorCore
import TestSupport

@Suite("Fixed-step Runge–Kutta solver")
struct FixedStepSolverTests {
    static let tableaus: [ButcherTableau] = [.euler, .heun, .midpoint, .rungeKutta4]

    /// Step counts per method: errors well above round-off, in the asymptotic range.
    static func stepCounts(for tableau: ButcherTableau) -> [Int] {
        switch tableau.order {
        case 1: return [64, 128, 256, 512]
        case 2: return [16, 32, 64, 128]
        default: return [8, 16, 32, 64]
        }
    }

    @Test("Each method converges with its order on x' = Ax (rotation plus decay)", arguments: tableaus)
    func orderOnLinearSystem(tableau: ButcherTableau) throws {
        let (a, omega, t1) = (0.5, 2.0, 1.0)
        let field = try OwnSolverProblems.rotationDecay(decay: a, frequency: omega)
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let exact = try OwnSolverProblems.rotationDecayExact(x0, at: t1, decay: a, frequency: omega)
        var stepSizes: [Double] = []
        var errors: [Double] = []
        for n in Self.stepCounts(for: tableau) {
            let solver = try FixedStepSolver(tableau, stepCount: n)
            let final = try #require(try solver.solve(field, initialState: x0, from: 0, to: t1).finalState)
            stepSizes.append(t1 / Double(n))
            errors.append(try OwnSolverProblems.maximumError(final, exact))
        }
        let order = try observedOrder(stepSizes: stepSizes, errors: errors)
        #expect(abs(order - Double(tableau.order)) <= 0.2, "\(tableau.name): observed order \(order), errors \(errors)")
    }

    @Test("Each method converges with its order on the logistic equation", arguments: tableaus)
    func orderOnLogistic(tableau: ButcherTableau) throws {
        let t1 = 2.0
        let y0 = try OwnSolverProblems.logisticStates()
        let exact = OwnSolverProblems.logisticExact(y0, at: t1)
        var stepSizes: [Double] = []
        var errors: [Double] = []
        for n in Self.stepCounts(for: tableau) {
            let solver = try FixedStepSolver(tableau, stepCount: n)
            let final = try #require(try solver.solve(OwnSolverProblems.logistic, initialState: y0, from: 0, to: t1).finalState)
            stepSizes.append(t1 / Double(n))
            errors.append(try OwnSolverProblems.maximumError(final, exact))
        }
        let order = try observedOrder(stepSizes: stepSizes, errors: errors)
        #expect(abs(order - Double(tableau.order)) <= 0.2, "\(tableau.name): observed order \(order), errors \(errors)")
    }

    @Test("Grid times are t0 + k·h, computed not accumulated, ending exactly on t1")
    func gridTimesAreExact() throws {
        let (t0, t1, n) = (0.1, 1.0, 10)
        let solver = try FixedStepSolver(.rungeKutta4, stepCount: n)
        let trajectory = try solver.solve(OwnSolverProblems.logistic, initialState: try OwnSolverProblems.logisticStates(),
                                          from: t0, to: t1, saving: .everyStep)
        let h = (t1 - t0) / Double(n)
        let expected = (0..<n).map { t0 + Double($0) * h } + [t1]
        #expect(trajectory.times == expected)
        #expect(trajectory.states.count == n + 1)
        #expect(trajectory.statistics.acceptedSteps == n)
        #expect(trajectory.statistics.rejectedSteps == 0)
    }

    @Test("A step size that does not divide the span shortens only the last step")
    func stepSizeGrid() throws {
        let grid = try FixedStepGrid(from: 0, to: 1, spacing: .stepSize(0.3))
        #expect(grid.stepCount == 4)
        #expect((0...4).map { grid.time(at: $0) } == (0..<4).map { Double($0) * 0.3 } + [1])
        #expect(abs(grid.lastStepSize - 0.1) < 1e-15)
        let exact = try FixedStepGrid(from: 0, to: 1, spacing: .stepSize(0.25))
        #expect(exact.stepCount == 4)
        let backwards = try FixedStepGrid(from: 1, to: 0, spacing: .stepSize(0.25))
        #expect(backwards.stepSize == -0.25)
        #expect((0...4).map { backwards.time(at: $0) } == [1, 0.75, 0.5, 0.25, 0])
    }

    @Test("Function evaluations are stages × steps: 4 per RK4 step, 1 per Euler step")
    func evaluationCounts() throws {
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let field = try OwnSolverProblems.rotationDecay(decay: 0.1, frequency: 1)
        for (tableau, perStep) in [(ButcherTableau.rungeKutta4, 4), (.euler, 1), (.heun, 2), (.midpoint, 2)] {
            let trajectory = try FixedStepSolver(tableau, stepCount: 13).solve(field, initialState: x0, from: 0, to: 1)
            #expect(trajectory.statistics.functionEvaluations == 13 * perStep, "\(tableau.name)")
            #expect(trajectory.statistics.acceptedSteps == 13)
        }
    }

    @Test("RK4 backwards in time undoes the forward solve to the method's accuracy")
    func backwardsRoundTrip() throws {
        let (a, omega) = (0.3, 1.5)
        let field = try OwnSolverProblems.rotationDecay(decay: a, frequency: omega)
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let solver = try FixedStepSolver(.rungeKutta4, stepCount: 200)
        let forward = try #require(try solver.solve(field, initialState: x0, from: 0, to: 2).finalState)
        let back = try #require(try solver.solve(field, initialState: forward, from: 2, to: 0).finalState)
        #expect(try OwnSolverProblems.maximumError(back, x0) < 1e-9)
        // The backward solve itself matches the exact flow run backwards.
        let exact = try OwnSolverProblems.rotationDecayExact(forward, at: -2, decay: a, frequency: omega)
        let error = try OwnSolverProblems.maximumError(back, exact)
        #expect(error < 1e-8, "error \(error)")  // h⁴ = 1e-8
    }

    @Test("Requested output times on the grid return the grid states; the solve stops at the last one")
    func outputsOnTheGrid() throws {
        let solver = try FixedStepSolver(.heun, stepCount: 8)
        let y0 = try OwnSolverProblems.logisticStates()
        let every = try solver.solve(OwnSolverProblems.logistic, initialState: y0, from: 0, to: 1, saving: .everyStep)
        let some = try solver.solve(OwnSolverProblems.logistic, initialState: y0, from: 0, to: 1, at: [0, 0.25, 0.25, 0.5])
        #expect(some.times == [0, 0.25, 0.25, 0.5])
        #expect(some.states == [every.states[0], every.states[2], every.states[2], every.states[4]])
        #expect(some.statistics.acceptedSteps == 4)
        #expect(some.statistics.functionEvaluations == 8)
    }

    @Test("Explicit Euler with h = T/L is L steps x ← x + h·f(x, t), to rounding")
    func eulerIsResidualSteps() throws {
        let field = try NeuralVectorField(field: try MLPField(dimension: 2, hidden: 8, usesTime: true), seed: 5)
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let depth = 6
        let h = 1.0 / Double(depth)
        var x = x0
        for l in 0..<depth { x = try x.adding(try field.evaluate(x, time: Double(l) * h), scaledBy: h) }
        let solved = try #require(try FixedStepSolver(.euler, stepCount: depth).solve(field, initialState: x0, from: 0, to: 1).finalState)
        #expect(solved.isApproximatelyEqual(to: x, relativeTolerance: 1e-14))
    }
}
