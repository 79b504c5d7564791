// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import NetworkLayers
import TensorCore

/// `Classifier.parameters` is the one source of truth: `body` reads the body's part
/// of it, and a body tensor of the wrong shape is an error, not the old value.
@Suite("Classifier body follows its parameters")
struct ClassifierParameterTests {
    private func classifier() throws -> Classifier<LinearLayer> {
        var generator = SeededGenerator(seed: 5)
        let body = try LinearLayer(inputs: 3, outputs: 3, prefix: "body.", using: &generator)
        return try Classifier(inputWidth: 2, stateWidth: 3, outputs: 2, embedding: .linear, body: body, seed: 6)
    }

    @Test("new body values of the right shape reach body")
    func newValuesReachBody() throws {
        var c = try classifier()
        let index = try #require(c.parameters.names.firstIndex(of: "body.weight"))
        let weight = try Tensor(shape: [3, 3], repeating: 0.25)
        c.parameters.values[index] = weight
        #expect(try c.body.parameters["body.weight"] == weight)
    }

    @Test("a body value of the wrong shape makes body throw shapeMismatch")
    func wrongShapeThrows() throws {
        var c = try classifier()
        let index = try #require(c.parameters.names.firstIndex(of: "body.weight"))
        c.parameters.values[index] = try Tensor(shape: [2, 3], repeating: 0.25)
        #expect {
            _ = try c.body
        } throws: { error in
            guard case .shapeMismatch(let operation, _, _) = error as? TensorError else { return false }
            return operation.contains("body.weight")
        }
    }

    @Test("a parameter list of another length makes body throw invalidArgument")
    func wrongCountThrows() throws {
        var c = try classifier()
        c.parameters.values.removeLast()
        #expect {
            _ = try c.body
        } throws: { error in
            guard case .invalidArgument = error as? TensorError else { return false }
            return true
        }
    }
}
