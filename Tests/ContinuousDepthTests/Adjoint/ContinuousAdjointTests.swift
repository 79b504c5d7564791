// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import GSLBridge
import TensorCore
import Testing

@Test("The continuous adjoint gradient for x₀ and every parameter matches central differences: rtol 1e-8 → relative error ≤ 1e-5")
func adjointMatchesFiniteDifferences() throws {
    let field = try Fixtures.neuralField(dimension: 2, hidden: 4, seed: 71)
    let x0 = try Fixtures.batch(2, 2, seed: 72)
    let loss: ([Variable]) throws -> Variable = { states in try states[0].square().sum().scaled(by: 0.5) }
    let solver = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
    let gradient = try ContinuousAdjoint(solver: solver)
        .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)
    let reference = try AdjointReference.gradients(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)
    #expect(gradient.parameters.count == 4)
    #expect(try AdjointReference.worstRelativeError(gradient, reference) <= 1e-5)

    // The loss is the loss of the forward solve, whose statistics are reported.
    let forward = try solver.solve(field, initialState: x0, from: 0, to: 1)
    let finalState = try #require(forward.finalState)
    #expect(abs(gradient.loss - 0.5 * finalState.square().sum()) <= 1e-14)
    #expect(gradient.forward == forward.statistics)
    #expect(gradient.backward.functionEvaluations > 0)
}

@Test("Observation times 0.5 and 1.0: the plain and the checkpointed adjoints match central differences (≤ 1e-5)")
func observationTimesAddJumps() throws {
    let field = try Fixtures.neuralField(dimension: 2, hidden: 4, usesTime: true, seed: 73)
    let x0 = try Fixtures.batch(3, 2, seed: 74)
    let times = [0.5, 1.0]
    let loss: ([Variable]) throws -> Variable = { states in
        try states[0].square().sum() + states[1].tanh().sum()
    }
    let reference = try AdjointReference.gradients(of: field, initialState: x0, from: 0, observationTimes: times, loss: loss)
    let solver = GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
    let plain = try ContinuousAdjoint(solver: solver, backwardStepType: .rk8pd)
        .gradient(of: field, initialState: x0, from: 0, observationTimes: times, loss: loss)
    #expect(try AdjointReference.worstRelativeError(plain, reference) <= 1e-5)
    // 0.5 lies on the grid of 16 intervals and between the points of the grid of 3.
    for (checkpoints, recomputed) in [(16, 4), (3, 2)] {
        let checkpointed = try CheckpointedAdjoint(solver: solver, checkpointCount: checkpoints,
                                                   recomputedPointsPerInterval: recomputed)
            .gradient(of: field, initialState: x0, from: 0, observationTimes: times, loss: loss)
        #expect(try AdjointReference.worstRelativeError(checkpointed, reference) <= 1e-5)
        #expect(abs(checkpointed.loss - plain.loss) <= 1e-7 * abs(plain.loss))
    }
    // Dropping the jump at 0.5 changes the answer: the observation there is used.
    let finalOnly = try ContinuousAdjoint(solver: solver)
        .gradient(of: field, initialState: x0, from: 0, observationTimes: [1]) { states in try states[0].tanh().sum() }
    #expect(try Fixtures.relativeError(finalOnly.initialState, plain.initialState) > 0.01)
}

@Test("On x′ = Ax with ℓ = Σ w ⊙ x(1), the adjoint gives ∂ℓ/∂x₀ = w·e^{A} (row form) to 1e-8")
func linearAdjointMatchesMatrixExponential() throws {
    let (alpha, omega) = (0.3, 1.5)
    let field = try Fixtures.linearField(try Fixtures.dampedRotation(alpha: alpha, omega: omega))
    let x0 = try Fixtures.batch(3, 2, seed: 75)
    let w = try Fixtures.batch(3, 2, seed: 76)
    let solver = GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-11, absoluteTolerance: 1e-11)
    let adjoint = ContinuousAdjoint(solver: solver, backwardStepType: .rk8pd)
    let exact = try Tensor.matmul(w, Fixtures.dampedRotationExponential(alpha: alpha, omega: omega, time: 1))

    let gradient = try adjoint.gradient(of: field, initialState: x0, from: 0, observationTimes: [1]) { states in
        try (states[0] * Variable(w)).sum()
    }
    #expect(try (gradient.initialState - exact).maxNorm() <= 1e-8)

    // The backward pass alone, with the cotangent w given directly.
    let trajectory = try solver.solve(field, initialState: x0, from: 0, to: 1)
    let sensitivity = try adjoint.backpropagate([w], through: trajectory, of: field, from: 0)
    #expect(try (sensitivity.initialState - exact).maxNorm() <= 1e-8)
    #expect(sensitivity.parameters.map(\.shape) == [[2, 2]])
}

@Test("Bad adjoint inputs throw invalidArgument: implicit backward stepper, unordered or empty times, wrong cotangents")
func adjointRejectsBadInput() throws {
    let field = try Fixtures.neuralField(dimension: 2, hidden: 4, seed: 77)
    let x0 = try Fixtures.batch(2, 2, seed: 78)
    let solver = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    let loss: ([Variable]) throws -> Variable = { states in try states[0].sum() }
    func isInvalidArgument(_ error: any Error) -> Bool {
        if case ContinuousDepthError.invalidArgument = error { return true }
        return false
    }
    #expect(performing: {
        _ = try ContinuousAdjoint(solver: solver, backwardStepType: .msbdf)
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)
    }, throws: isInvalidArgument)
    #expect(performing: {
        _ = try ContinuousAdjoint(solver: solver)
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [1, 0.5]) { try $0[0].sum() }
    }, throws: isInvalidArgument)
    #expect(performing: {
        _ = try ContinuousAdjoint(solver: solver)
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [], loss: loss)
    }, throws: isInvalidArgument)
    #expect(performing: {
        _ = try ContinuousAdjoint(solver: solver)
            .gradient(of: field, initialState: x0, from: 0.5, observationTimes: [0.5], loss: loss)
    }, throws: isInvalidArgument)
    let trajectory = try solver.solve(field, initialState: x0, from: 0, to: 1, at: [0.5, 1])
    #expect(performing: {
        _ = try ContinuousAdjoint(solver: solver).backpropagate([x0], through: trajectory, of: field, from: 0)
    }, throws: isInvalidArgument)
    #expect(performing: {
        _ = try ContinuousAdjoint(solver: solver)
            .backpropagate([x0, try Fixtures.batch(1, 2, seed: 79)], through: trajectory, of: field, from: 0)
    }, throws: isInvalidArgument)
}

@Test("A backward solve that needs more than maximumSteps steps throws tooManySteps")
func backwardTooManySteps() throws {
    let field = try Fixtures.neuralField(dimension: 2, hidden: 4, seed: 80)
    let x0 = try Fixtures.batch(2, 2, seed: 81)
    let solver = GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-6, absoluteTolerance: 1e-6,
                                    initialStepSize: 0.1, maximumSteps: 3)
    let trajectory = try solver.solve(field, initialState: x0, from: 0, to: 0.2)
    #expect(trajectory.statistics.acceptedSteps <= 3)
    // At tolerance 1e-12 the second-order rk2 needs far more than 3 steps over [0, 0.2].
    var tight = solver
    tight.relativeTolerance = 1e-12
    tight.absoluteTolerance = 1e-12
    #expect {
        _ = try ContinuousAdjoint(solver: tight, backwardStepType: .rk2)
            .backpropagate([x0], through: trajectory, of: field, from: 0)
    } throws: { error in
        guard case let ContinuousDepthError.tooManySteps(maximumSteps, _, _) = error else { return false }
        return maximumSteps == 3
    }
}
