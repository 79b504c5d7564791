// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE
import Testing

/// The code of the article "Gradients: backprop, adjoint, checkpointed", run as written
/// (`scripts/check-doc-snippets.py` checks that every snippet there is here verbatim).
@Suite("Article: Gradients: backprop, adjoint, checkpointed")
struct GradientsArticleTests {
    @Test("the three gradient methods of NeuralODEBlock match central finite differences within 1e-6")
    func blockGradientsMatchFiniteDifferences() throws {
        // snippet: block
        var generator = SeededGenerator(seed: 11)
        let x0 = try Tensor.randomNormal([4, 3], using: &generator)
        func inputGradient(_ method: NeuralODEGradientMethod) throws -> Tensor {
            let spec = try NeuralODESpec(dimension: 3, hidden: 8, solver: .dormandPrince54,
                                         relativeTolerance: 1e-8, absoluteTolerance: 1e-10)
            let block = try NeuralODEBlock(spec: spec, gradientMethod: method, seed: 12)
            let theta = block.parameters.values.map { Variable($0) }
            return try gradient(at: x0) { x in try 0.5 * block.forward(x, parameters: theta).square().sum() }
        }
        let backprop = try inputGradient(.backprop)
        let adjoint = try inputGradient(.adjoint)
        let checkpointed = try inputGradient(.checkpointed)
        // snippet: finite-differences
        let tight = try NeuralODEBlock(spec: try NeuralODESpec(dimension: 3, hidden: 8, relativeTolerance: 1e-12,
                                                                absoluteTolerance: 1e-12), seed: 12)
        var differences = x0
        let e = 1e-6
        for i in 0..<x0.count {
            var plus = x0, minus = x0
            plus[flat: i] += e
            minus[flat: i] -= e
            differences[flat: i] = (0.5 * (try tight(plus)).square().sum()
                                    - 0.5 * (try tight(minus)).square().sum()) / (2 * e)
        }
        for (name, g) in [("backprop", backprop), ("adjoint", adjoint), ("checkpointed", checkpointed)] {
            print(name, try (g - differences).maxNorm() / differences.maxNorm())   // each ≈ 1e-9 … 1e-8
        }
        // end snippet
        for (name, g) in [("backprop", backprop), ("adjoint", adjoint), ("checkpointed", checkpointed)] {
            #expect(try (g - differences).maxNorm() / differences.maxNorm() < 1e-6, "\(name)")
        }
    }

    @Test("ContinuousAdjoint on own solvers and CheckpointedAdjoint on GSL agree with backprop through the solver")
    func directAdjoints() throws {
        var generator = SeededGenerator(seed: 21)
        let x0 = try Tensor.randomNormal([4, 3], using: &generator)
        let block = try NeuralODEBlock(spec: try NeuralODESpec(dimension: 3, hidden: 8), seed: 22)
        // snippet: direct
        let field = try block.field(block.parameters.values)        // f(x, t; θ) with its parameters θ
        let loss: ([Variable]) throws -> Variable = { states in      // ℓ = ½‖x(0.5)‖² + ½‖x(1)‖²
            try 0.5 * (try states[0].square().sum() + states[1].square().sum())
        }
        let options = try SolverOptions(relativeTolerance: 1e-8, absoluteTolerance: 1e-10)
        let tsit5 = try EmbeddedRungeKuttaSolver(.tsitouras54, options: options)
        let adjoint = ContinuousAdjoint(forward: tsit5, options: options) {
            try EmbeddedRungeKuttaSolver(.tsitouras54, options: $0)     // the backward solver, same scheme
        }
        let viaAdjoint = try adjoint.gradient(of: field, initialState: x0, from: 0, observationTimes: [0.5, 1],
                                              loss: loss)
        let rkf45 = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-8, absoluteTolerance: 1e-10)
        let viaCheckpoints = try CheckpointedAdjoint(solver: rkf45, checkpointCount: 8)
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [0.5, 1], loss: loss)
        let viaBackprop = try BackpropThroughSolver(tsit5)
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [0.5, 1], loss: loss)
        print(viaAdjoint.parameters.count, viaAdjoint.forward, viaAdjoint.backward)   // ∂ℓ/∂θ per tensor, the costs
        // end snippet
        for g in [viaAdjoint, viaCheckpoints] {
            #expect(try g.initialState.relativeDifference(to: viaBackprop.initialState) < 1e-6)
            for (p, q) in zip(g.parameters, viaBackprop.parameters) {
                #expect(try p.relativeDifference(to: q) < 1e-6)
            }
        }
        #expect(abs(viaAdjoint.loss - viaBackprop.loss) < 1e-9)
    }
}
