// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import GSLBridge
import TensorCore
import Testing

@Test("Every GSL step type integrates a NeuralVectorField batch to within C·tolerance of a tight rk8pd solve",
      arguments: GSLStepType.allCases)
func everyStepTypeAgreesWithReference(stepType: GSLStepType) throws {
    // Weights 2.5× the default make the flow non-trivial over [0, 2] (x moves by about 3).
    let base = try Fixtures.neuralField(dimension: 3, hidden: 8, seed: 11)
    let field = try NeuralVectorField(field: base.field, weights: base.parameters.values.map { $0 * 2.5 })
    let x0 = try Fixtures.batch(3, 3, seed: 12)
    let times = [1.0, 2.0]
    let reference = try GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-13, absoluteTolerance: 1e-13)
        .solve(field, initialState: x0, from: 0, to: 2, at: times)
    let tolerance = 1e-6
    let solution = try GSLNeuralODESolver(stepType: stepType, relativeTolerance: tolerance, absoluteTolerance: tolerance,
                                          initialStepSize: 0.01)
        .solve(field, initialState: x0, from: 0, to: 2, at: times)
    // The tolerance bounds the local error; the global error of the first-order
    // implicit Euler is that times the number of steps (about 1700 here).
    let factor = stepType == .rk1imp ? 1000.0 : 200.0
    #expect(solution.times == times)
    for (state, exact) in zip(solution.states, reference.states) {
        #expect(state.shape == [3, 3])
        #expect(try (state - exact).maxNorm() <= factor * tolerance)
    }
    #expect(try (reference.states[1] - x0).maxNorm() > 1)
    #expect(solution.statistics.functionEvaluations > 0)
    #expect(solution.statistics.acceptedSteps > 0)
    #expect((solution.statistics.jacobianEvaluations > 0) == stepType.usesJacobian)
}

@Test("A batch solved as one flat system equals each row solved on its own, within tolerance")
func batchEqualsRowsSolvedSeparately() throws {
    let field = try Fixtures.neuralField(dimension: 2, hidden: 6, usesTime: true, seed: 21)
    let x0 = try Fixtures.batch(4, 2, seed: 22)
    let solver = GSLNeuralODESolver(stepType: .rkck, relativeTolerance: 1e-10, absoluteTolerance: 1e-10)
    let together = try solver.solve(field, initialState: x0, from: 0, to: 1.5)
    let final = try #require(together.finalState)
    for row in 0..<4 {
        let alone = try solver.solve(field, initialState: x0.slice(row..<row + 1), from: 0, to: 1.5)
        let rowState = try final.slice(row..<row + 1)
        let aloneState = try #require(alone.finalState)
        #expect(try (aloneState - rowState).maxNorm() <= 1e-8)
    }
}

@Test("x′ = Ax matches e^{tA}·x₀ at every output time, forwards and backwards in time")
func linearSystemMatchesMatrixExponential() throws {
    let (alpha, omega) = (0.5, 2.0)
    let field = try Fixtures.linearField(try Fixtures.dampedRotation(alpha: alpha, omega: omega))
    let x0 = try Fixtures.batch(3, 2, seed: 31)
    let solver = GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-11, absoluteTolerance: 1e-11)
    let times = [0.25, 0.5, 1.0]
    let forward = try solver.solve(field, initialState: x0, from: 0, to: 1, at: times)
    for (t, state) in zip(times, forward.states) {
        // Row form: x(t)ᵀ = x₀ᵀ·(e^{tA})ᵀ.
        let exact = try Tensor.linear(x0, weight: Fixtures.dampedRotationExponential(alpha: alpha, omega: omega, time: t), bias: nil)
        #expect(try (state - exact).maxNorm() <= 1e-9)
    }
    let backward = try solver.solve(field, initialState: x0, from: 1, to: 0)
    let exact = try Tensor.linear(x0, weight: Fixtures.dampedRotationExponential(alpha: alpha, omega: omega, time: -1), bias: nil)
    let backwardState = try #require(backward.finalState)
    #expect(try (backwardState - exact).maxNorm() <= 1e-9)
}

@Test("Fixed steps save every state at t₀ + k·h; rk4 and the implicit rk2imp converge to e^{tA}·x₀")
func fixedStepsSaveEveryState() throws {
    let (alpha, omega) = (0.5, 2.0)
    let field = try Fixtures.linearField(try Fixtures.dampedRotation(alpha: alpha, omega: omega))
    let x0 = try Fixtures.batch(2, 2, seed: 41)
    let exact = try Tensor.linear(x0, weight: Fixtures.dampedRotationExponential(alpha: alpha, omega: omega, time: 1), bias: nil)
    for (stepType, bound) in [(GSLStepType.rk4, 1e-6), (.rk2imp, 1e-3)] {
        let trajectory = try GSLNeuralODESolver(stepType: stepType, relativeTolerance: 1e-10, absoluteTolerance: 1e-10)
            .solve(field, initialState: x0, from: 0, to: 1, stepCount: 40)
        #expect(trajectory.times.count == 41)
        #expect(trajectory.states.count == 41)
        #expect(trajectory.times[10] == 10 * 0.025)
        #expect(trajectory.states[0] == x0)
        #expect(trajectory.statistics.acceptedSteps == 40)
        #expect(trajectory.statistics.rejectedSteps == 0)
        #expect((trajectory.statistics.jacobianEvaluations > 0) == stepType.usesJacobian)
        let finalState = try #require(trajectory.finalState)
        #expect(try (finalState - exact).maxNorm() <= bound)
    }
}
