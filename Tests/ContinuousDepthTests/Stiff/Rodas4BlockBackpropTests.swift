// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import Testing
import TensorCore
import TestSupport

@Suite("NeuralODEBlock with rodas4 and gradient 'backprop'")
struct Rodas4BlockBackpropTests {
    static let rtol = 1e-7

    static func block(_ method: NeuralODEGradientMethod) throws -> NeuralODEBlock {
        let spec = try NeuralODESpec(dimension: 2, hidden: 6, solver: .rodas4, relativeTolerance: rtol,
                                     absoluteTolerance: rtol * 1e-2, usesTime: true, gradient: method)
        return try NeuralODEBlock(spec: spec, seed: 3)
    }

    static func loss(_ block: NeuralODEBlock, _ inputs: [Variable]) throws -> Variable {
        try (block.forward(inputs[0], parameters: Array(inputs[1...])).square()).sum() * 0.5
    }

    @Test("A spec asking rodas4 for backprop is accepted; rodas4's default stays the adjoint")
    func specAccepted() throws {
        let json = #"{"model": "node", "dim": 2, "hidden": 4, "solver": "rodas4", "gradient": "backprop"}"#
        let spec = try NeuralODESpec.decode(json: Data(json.utf8))
        #expect(try NeuralODEBlock(spec: spec, seed: 1).gradientMethod == .backprop)
        #expect(try NeuralODESpec(dimension: 2, hidden: 4, solver: .rodas4).gradientMethod == .adjoint)
    }

    @Test("Backprop through rodas4 gives the stiff adjoint's gradient within 100·rtol, and one step along it lowers the loss")
    func matchesTheAdjointAndTrains() throws {
        var generator = SeededGenerator(seed: 7)
        let x = try Tensor.randomNormal([4, 2], using: &generator)
        func gradient(_ method: NeuralODEGradientMethod) throws -> (loss: Double, gradients: [Tensor], backward: Int) {
            let block = try Self.block(method)
            let (value, g) = try valueWithGradient(at: [x] + block.parameters.values) { try Self.loss(block, $0) }
            return (value, g, block.counter.backward)
        }
        func flat(_ g: [Tensor]) throws -> Tensor { try Tensor.concatenate(g.map { try $0.reshaped(to: [-1]) }) }
        let backprop = try gradient(.backprop), adjoint = try gradient(.adjoint)
        #expect(backprop.backward > 0 && adjoint.backward > 0)
        #expect(abs(backprop.loss - adjoint.loss) <= 1e-12)
        let difference = try flat(backprop.gradients).relativeDifference(to: try flat(adjoint.gradients))
        #expect(difference <= 100 * Self.rtol, "relative difference \(difference)")
        // One gradient-descent step on the weights with the backprop gradient lowers the loss.
        let block = try Self.block(.backprop)
        let stepped = try zip(block.parameters.values, backprop.gradients.dropFirst()).map { w, g in try w - g * 0.05 }
        let after = try Self.loss(block, [Variable(x)] + stepped.map { Variable($0) }).value.scalar!
        #expect(after < backprop.loss, "loss \(backprop.loss) → \(after)")
    }
}
