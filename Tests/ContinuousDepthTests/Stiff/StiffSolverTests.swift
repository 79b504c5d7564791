// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif
import ContinuousDepth
import Testing
import TensorCore
import TestSupport

/// The two batched implicit methods behind one switch, so that each claim is tested on both.
enum StiffMethod: String, CaseIterable, CustomStringConvertible {
    case kvaerno5, rodas4

    var description: String { rawValue }

    var order: Int {
        switch self {
        case .kvaerno5: return DiagonallyImplicitTableau.kvaerno5.order
        case .rodas4: return RosenbrockTableau.rodas4.order
        }
    }

    func solve(_ field: some VectorField, _ x0: Tensor, to t1: Double, rtol: Double, atol: Double)
        throws -> (Tensor, ImplicitSolverStatistics) {
        let options = try SolverOptions(relativeTolerance: rtol, absoluteTolerance: atol)
        switch self {
        case .kvaerno5:
            let result = try Kvaerno5Solver(options: options).solveCountingImplicitWork(
                field, initialState: Variable(x0), parameters: field.parameters.values.map { Variable($0) },
                from: 0, to: t1, saving: .times([t1]))
            return (try #require(result.trajectory.finalState).value, result.statistics)
        case .rodas4:
            let result = try Rodas4Solver(options: options).solveCountingImplicitWork(
                field, initialState: x0, from: 0, to: t1, saving: .times([t1]))
            return (try #require(result.trajectory.finalState), result.statistics)
        }
    }

    func solver(rtol: Double, atol: Double) throws -> any ODESolver {
        let options = try SolverOptions(relativeTolerance: rtol, absoluteTolerance: atol)
        switch self {
        case .kvaerno5: return try Kvaerno5Solver(options: options)
        case .rodas4: return Rodas4Solver(options: options)
        }
    }

    func solveFixedStep(_ field: some VectorField, _ x0: Tensor, to t1: Double, steps: Int) throws -> Tensor {
        let options = try SolverOptions(relativeTolerance: 1e-13, absoluteTolerance: 1e-13)
        switch self {
        case .kvaerno5:
            return try Kvaerno5Solver(options: options).solveFixedStep(field, initialState: x0, from: 0, to: t1, steps: steps).finalState
        case .rodas4:
            return try Rodas4Solver(options: options).solveFixedStep(field, initialState: x0, from: 0, to: t1, steps: steps).finalState
        }
    }
}

@Suite("Batched implicit solvers on stiff problems with known answers")
struct StiffSolverTests {
    static let linear = try! StiffReferenceProblems.Linear(eigenvalues: [-1, -10, -100, -1000])

    @Test("Fixed steps on y′ = Ay (stiffness 1000) converge with the method's declared order (slope ±0.2)",
          arguments: StiffMethod.allCases)
    func orderOnTheLinearSystem(method: StiffMethod) throws {
        let x0 = try StiffProblems.states(count: 3, dimension: 4, seed: 5)
        let exact = try Self.linear.exact(x0, at: 1)
        let field = StiffProblems.linear(Self.linear)
        let stepCounts = [8, 16, 32, 64]
        let errors = try stepCounts.map { n in
            StiffProblems.maximumDifference(try method.solveFixedStep(field, x0, to: 1, steps: n), exact)
        }
        #expect(errors.allSatisfy { $0 > 1e-13 }, "above round-off: \(errors)")
        let slope = try observedOrder(stepSizes: stepCounts.map { 1 / Double($0) }, errors: errors)
        #expect(abs(slope - Double(method.order)) <= 0.2, "slope \(slope), errors \(errors)")
    }

    @Test("Adaptive solves of y′ = Ay on a batch of 64 states match e^{tA}x₀ within 10·rtol, in fewer than 200 steps (explicit: > 700)",
          arguments: StiffMethod.allCases)
    func linearBatchMatchesTheExactSolution(method: StiffMethod) throws {
        let x0 = try StiffProblems.states(count: 64, dimension: 4, seed: 6)
        let exact = try Self.linear.exact(x0, at: 2)
        let (final, statistics) = try method.solve(StiffProblems.linear(Self.linear), x0, to: 2, rtol: 1e-5, atol: 1e-7)
        #expect(StiffProblems.maximumDifference(final, exact) < 1e-4)
        // Stiff: an explicit method is stable only for |hλ| ≲ 3 (λ = −1000), i.e. more than 700 steps on [0, 2].
        #expect(statistics.acceptedSteps < 200, "\(statistics)")
    }

    @Test("Van der Pol, μ = 1000, to t = 1000: a batch of 6 states agrees with GSL bsimp at tolerance 1e-11, each sample with its own solve",
          arguments: StiffMethod.allCases)
    func vanDerPol(method: StiffMethod) throws {
        let x0 = try Tensor([[2, 0], [1.5, 0.2], [-1.8, 0.1], [0.5, -0.5], [2.1, -0.01], [-1, 0]])
        let field = StiffProblems.vanDerPol
        let reference = try GSLNeuralODESolver(stepType: .bsimp, relativeTolerance: 1e-11, absoluteTolerance: 1e-11)
            .solve(field, initialState: x0, from: 0, to: 1000).finalState!
        let (batched, statistics) = try method.solve(field, x0, to: 1000, rtol: 1e-7, atol: 1e-7)
        #expect(StiffProblems.maximumDifference(batched, reference) < 1e-3, "\(statistics)")
        for row in 0..<6 {
            let single = try x0.slice(row..<(row + 1))
            let (alone, _) = try method.solve(field, single, to: 1000, rtol: 1e-7, atol: 1e-7)
            #expect(StiffProblems.maximumDifference(alone, try reference.slice(row..<(row + 1))) < 1e-3, "sample \(row)")
            #expect(StiffProblems.maximumDifference(alone, try batched.slice(row..<(row + 1))) < 1e-3, "sample \(row)")
        }
    }

    @Test("Robertson to t = 40: Hairer–Wanner's reference values to 1e-6 relative, mass conserved to 1e-13, batch rows equal their own solves",
          arguments: StiffMethod.allCases)
    func robertson(method: StiffMethod) throws {
        let x0 = try Tensor([[1, 0, 0], [0.9, 0, 0.1], [0.5, 1e-6, 0.5], [0.2, 0, 0.8]])
        let (batched, statistics) = try method.solve(StiffProblems.robertson, x0, to: 40, rtol: 1e-8, atol: 1e-12)
        let reference = StiffReferenceProblems.robertsonAt40
        for i in 0..<3 {
            #expect(abs(batched[0, i] - reference[i]) <= 1e-6 * reference[i], "y\(i + 1)(40) = \(batched[0, i]); \(statistics)")
        }
        for row in 0..<4 {
            let initialMass = (0..<3).reduce(0) { $0 + x0[row, $1] }
            let mass = (0..<3).reduce(0) { $0 + batched[row, $1] }
            #expect(abs(mass - initialMass) < 1e-13, "sample \(row)")
            let (alone, _) = try method.solve(StiffProblems.robertson, try x0.slice(row..<(row + 1)), to: 40,
                                              rtol: 1e-8, atol: 1e-12)
            for i in 0..<3 {
                #expect(abs(alone[0, i] - batched[row, i]) <= 1e-6 * max(abs(alone[0, i]), 1e-5), "sample \(row), y\(i + 1)")
            }
        }
    }
}
