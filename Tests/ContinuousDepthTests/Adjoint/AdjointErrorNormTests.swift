// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import GSLBridge
import TensorCore
import Testing

/// A field with many parameters for its state (P = 2·16 + 16 + 16·2 + 2 = 82
/// against 2n = 8): the setting where `a_θ` dominates the augmented state.
private func wideField() throws -> NeuralVectorField {
    try Fixtures.neuralField(dimension: 2, hidden: 16, seed: 301)
}

/// `ℓ = ½·Σ x(t₁)²`.
private func halfSquaredNorm(_ states: [Variable]) throws -> Variable {
    try states[0].square().sum().scaled(by: 0.5)
}

@Test("Both error norms give gradients within 1e-5 of central differences at rtol 1e-8", arguments: AdjointErrorNorm.allCases)
func errorNormsMatchFiniteDifferences(norm: AdjointErrorNorm) throws {
    let field = try wideField()
    let x0 = try Fixtures.batch(2, 2, seed: 302)
    let solver = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
    let reference = try AdjointReference.gradients(of: field, initialState: x0, from: 0, observationTimes: [2],
                                                   loss: halfSquaredNorm)
    let plain = try ContinuousAdjoint(solver: solver, errorNorm: norm)
        .gradient(of: field, initialState: x0, from: 0, observationTimes: [2], loss: halfSquaredNorm)
    #expect(try AdjointReference.worstRelativeError(plain, reference) <= 1e-5)
    let checkpointed = try CheckpointedAdjoint(solver: solver, checkpointCount: 4, recomputedPointsPerInterval: 2,
                                               errorNorm: norm)
        .gradient(of: field, initialState: x0, from: 0, observationTimes: [2], loss: halfSquaredNorm)
    #expect(try AdjointReference.worstRelativeError(checkpointed, reference) <= 1e-5)
}

@Test("With the seminorm the gradient error stays within 100·rtol (atol = rtol) for rtol 1e-4 … 1e-8")
func seminormErrorFollowsTolerance() throws {
    let field = try wideField()
    let x0 = try Fixtures.batch(2, 2, seed: 302)
    let reference = try AdjointReference.gradients(of: field, initialState: x0, from: 0, observationTimes: [2],
                                                   loss: halfSquaredNorm)
    var errors: [Double] = []
    for rtol in [1e-4, 1e-6, 1e-8] {
        let solver = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: rtol, absoluteTolerance: rtol)
        let gradient = try ContinuousAdjoint(solver: solver, errorNorm: .seminorm)
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [2], loss: halfSquaredNorm)
        let error = try AdjointReference.worstRelativeError(gradient, reference)
        #expect(error <= 100 * rtol, "rtol \(rtol)")
        errors.append(error)
    }
    // And it keeps falling with the tolerance: the bound is not met by accident.
    #expect(errors[1] * 10 <= errors[0] && errors[2] * 10 <= errors[1])
}

@Test("The seminorm takes fewer backward evaluations than the full-state norm when a_θ dominates the state")
func seminormSavesBackwardEvaluations() throws {
    let field = try wideField()
    let x0 = try Fixtures.batch(2, 2, seed: 302)
    let solver = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
    func backward(_ norm: AdjointErrorNorm) throws -> ODEGradient {
        try ContinuousAdjoint(solver: solver, errorNorm: norm)
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [2], loss: halfSquaredNorm)
    }
    let full = try backward(.fullState)
    let seminorm = try backward(.seminorm)
    #expect(seminorm.forward == full.forward)
    #expect(seminorm.backward.functionEvaluations < full.backward.functionEvaluations)
    #expect(seminorm.backward.acceptedSteps + seminorm.backward.rejectedSteps
            < full.backward.acceptedSteps + full.backward.rejectedSteps)
}

@Test("The adjoints use the seminorm by default")
func seminormIsTheDefault() throws {
    let solver = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    #expect(ContinuousAdjoint(solver: solver).errorNorm == .seminorm)
    #expect(CheckpointedAdjoint(solver: solver).errorNorm == .seminorm)
}

@Test("an adjoint's backward stepper defaults to the forward solver's when explicit, to rkf45 after an implicit one, and keeps one named")
func backwardStepperDefaults() {
    let options = (relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
    for (forward, expected) in [(GSLStepType.rkck, GSLStepType.rkck), (.rk8pd, .rk8pd), (.msadams, .msadams),
                                (.bsimp, .rkf45), (.rk4imp, .rkf45), (.msbdf, .rkf45)] {
        let solver = GSLNeuralODESolver(stepType: forward, relativeTolerance: options.relativeTolerance,
                                        absoluteTolerance: options.absoluteTolerance)
        #expect(ContinuousAdjoint(solver: solver).backwardStepType == expected, "forward \(forward)")
        #expect(CheckpointedAdjoint(solver: solver).backwardStepType == expected, "forward \(forward)")
        #expect(ContinuousAdjoint(solver: solver, backwardStepType: .rk2).backwardStepType == .rk2)
    }
}
