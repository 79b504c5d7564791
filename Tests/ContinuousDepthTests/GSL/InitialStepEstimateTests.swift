// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Testing
import NetworkLayers
import TensorCore

@Suite("GSL solves with an estimated first step")
struct InitialStepEstimateTests {
    let field: NeuralVectorField = {
        var g = SeededGenerator(seed: 51)
        let f = try! MLPField(dimension: 4, hidden: 16)
        return try! NeuralVectorField(field: f, weights: f.initialParameters(using: &g))
    }()
    let x0: Tensor = {
        var g = SeededGenerator(seed: 52)
        return try! Tensor.randomNormal([8, 4], using: &g)
    }()

    @Test("the estimate lies in (0, |t1 − t0|] and shrinks as the tolerance tightens")
    func estimateIsSensible() throws {
        let loose = try GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-3, absoluteTolerance: 1e-5)
            .estimatingInitialStep(for: field, initialState: x0, from: 0, to: 2).initialStepSize
        let tight = try GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-9, absoluteTolerance: 1e-11)
            .estimatingInitialStep(for: field, initialState: x0, from: 0, to: 2).initialStepSize
        #expect(loose > 0 && loose <= 2 && tight > 0 && tight < loose)
    }

    @Test("with the estimate the adjoint needs fewer evaluations than from a 1e-6 first step, for the same gradient")
    func adjointSavesEvaluations() throws {
        let fixed = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-6, absoluteTolerance: 1e-8, initialStepSize: 1e-6)
        let estimated = try fixed.estimatingInitialStep(for: field, initialState: x0, from: 0, to: 1)
        let loss: ([Variable]) throws -> Variable = { try $0[0].square().sum() }
        let a = try ContinuousAdjoint(solver: fixed).gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)
        let b = try ContinuousAdjoint(solver: estimated).gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)
        let (na, nb) = (a.forward.functionEvaluations + a.backward.functionEvaluations,
                        b.forward.functionEvaluations + b.backward.functionEvaluations)
        #expect(nb < na, "estimated \(nb) vs fixed \(na)")
        #expect(try b.initialState.relativeDifference(to: a.initialState) < 1e-5)
    }
}
