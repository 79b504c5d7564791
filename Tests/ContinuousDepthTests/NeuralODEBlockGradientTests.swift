// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import Testing
import TensorCore
import TestSupport

@Test("The spec's 'gradient' field: parsed, written back, defaulted per solver, and a bad value names the field")
func specGradientField() throws {
    let json = #"{"model": "node", "dim": 2, "hidden": 4, "solver": "rkck", "gradient": "checkpointed"}"#
    let spec = try NeuralODESpec.decode(json: Data(json.utf8))
    #expect(spec.gradient == .checkpointed && spec.gradientMethod == .checkpointed)
    #expect(try NeuralODESpec.decode(json: spec.encodedJSON()) == spec)
    #expect(try NeuralODESpec(dimension: 2, hidden: 4, solver: .gsl(.rkf45)).gradientMethod == .adjoint)
    #expect(try NeuralODESpec(dimension: 2, hidden: 4, solver: .tsitouras54).gradientMethod == .backprop)
    #expect {
        _ = try NeuralODESpec.decode(json: Data(#"{"model": "node", "dim": 2, "hidden": 4, "gradient": "magic"}"#.utf8))
    } throws: { error in
        "\(error)".contains("'gradient'") && "\(error)".contains("magic")
    }
}

@Test("Through NeuralODEBlock every gradient method gives the gradient of the others within 100·rtol",
      arguments: ["dopri5", "tsit5", "rk4-fixed", "rkck", "bsimp"])
func blockGradientMethodsAgree(solver: String) throws {
    let rtol = 1e-7
    var generator = SeededGenerator(seed: 7)
    let x = try Tensor.randomNormal([4, 2], using: &generator)
    func gradient(_ method: NeuralODEGradientMethod) throws -> Tensor {
        let spec = try NeuralODESpec(dimension: 2, hidden: 6, solver: NeuralODESolverChoice(name: solver),
                                     relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2, steps: 64, gradient: method)
        let block = try NeuralODEBlock(spec: spec, seed: 3)
        let (_, g) = try valueWithGradient(at: [x] + block.parameters.values) { v in
            try (block.forward(v[0], parameters: Array(v[1...])).square()).sum() * 0.5
        }
        #expect(block.counter.backward > 0)
        return try Tensor.concatenate(g.map { try $0.reshaped(to: [-1]) })
    }
    let backprop = try gradient(.backprop)
    for method in [NeuralODEGradientMethod.adjoint, .checkpointed] {
        #expect(try gradient(method).relativeDifference(to: backprop) <= 100 * rtol, "\(solver) \(method)")
    }
}
