// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import GSLBridge
import TensorCore
import Testing

/// `max |g − g_ref|` over `x₀` and all parameters, relative to the largest reference entry.
private func globalRelativeError(_ gradient: ODEGradient, _ reference: [Tensor]) throws -> Double {
    let computed = [gradient.initialState] + gradient.parameters
    let scale = reference.map { $0.maxNorm() }.max() ?? 0
    return try zip(computed, reference).map { try ($0 - $1).maxNorm() }.max().map { $0 / scale } ?? .infinity
}

@Test("The checkpointed adjoint matches central differences (≤ 1e-5) on a neural field")
func checkpointedAdjointMatchesFiniteDifferences() throws {
    let field = try Fixtures.neuralField(dimension: 3, hidden: 4, seed: 91)
    let x0 = try Fixtures.batch(2, 3, seed: 92)
    let loss: ([Variable]) throws -> Variable = { states in try states[0].square().sum() }
    let solver = GSLNeuralODESolver(stepType: .rkck, relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
    let gradient = try CheckpointedAdjoint(solver: solver, checkpointCount: 4, recomputedPointsPerInterval: 3)
        .gradient(of: field, initialState: x0, from: 0, observationTimes: [1.5], loss: loss)
    let reference = try AdjointReference.gradients(of: field, initialState: x0, from: 0, observationTimes: [1.5], loss: loss)
    #expect(try AdjointReference.worstRelativeError(gradient, reference) <= 1e-5)
    #expect(gradient.backward.functionEvaluations > gradient.forward.functionEvaluations)
}

@Test("On the contracting x′ = −5x + MLP(x) over [0, 3] the checkpointed adjoint is ≥ 10× more accurate than the plain one")
func checkpointedAdjointRemovesDrift() throws {
    let field = try Fixtures.contractingField(dimension: 2, hidden: 4, rate: 5, weightScale: 3, seed: 81)
    let x0 = try Fixtures.batch(2, 2, seed: 82)
    let loss: ([Variable]) throws -> Variable = { states in try states[0].square().sum() }
    let reference = try AdjointReference.gradients(of: field, initialState: x0, from: 0, observationTimes: [3], loss: loss)
    let solver = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    let plain = try ContinuousAdjoint(solver: solver)
        .gradient(of: field, initialState: x0, from: 0, observationTimes: [3], loss: loss)
    let checkpointed = try CheckpointedAdjoint(solver: solver, checkpointCount: 16, recomputedPointsPerInterval: 4)
        .gradient(of: field, initialState: x0, from: 0, observationTimes: [3], loss: loss)
    let plainError = try globalRelativeError(plain, reference)
    let checkpointedError = try globalRelativeError(checkpointed, reference)
    #expect(checkpointedError <= 1e-6)
    #expect(10 * checkpointedError < plainError)
}

@Test("A checkpoint or recomputation count below 1 throws invalidArgument")
func checkpointCountsAreChecked() throws {
    let field = try Fixtures.neuralField(dimension: 2, hidden: 4, seed: 93)
    let x0 = try Fixtures.batch(1, 2, seed: 94)
    let solver = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    for (checkpoints, recomputed) in [(0, 1), (4, 0)] {
        #expect {
            _ = try CheckpointedAdjoint(solver: solver, checkpointCount: checkpoints, recomputedPointsPerInterval: recomputed)
                .gradient(of: field, initialState: x0, from: 0, observationTimes: [1]) { try $0[0].sum() }
        } throws: { error in
            guard case ContinuousDepthError.invalidArgument = error else { return false }
            return true
        }
    }
}
