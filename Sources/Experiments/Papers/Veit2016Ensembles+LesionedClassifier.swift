// SPDX-License-Identifier: GPL-3.0-or-later
import DepthAnalysis
import ResidualNets
import NetworkLayers
import TensorCore
import Training

/// A trained classifier split as `readout ∘ chain ∘ embed`, so that its blocks can be lesioned:
/// the embedded test inputs are computed once, and each lesioned chain is scored by its test error.
struct LesionedClassifier {
    let chain: BlockChain
    let embedWeight: Tensor, embedBias: Tensor
    let readoutWeight: Tensor, readoutBias: Tensor
    let embeddedTest: Tensor
    let testLabels: [Int]

    init(_ classifier: Classifier<ResidualNetwork>, on test: Dataset) throws {
        let values = classifier.parameters.values
        guard classifier.embedding == .linear, values.count >= 4 else {
            throw ExperimentError.invalidArgument(name: "classifier", value: "\(classifier.embedding)",
                                                  reason: "lesion studies here need a linear embedding and readout")
        }
        chain = try BlockChain(classifier.body)
        (embedWeight, embedBias) = (values[0], values[1])
        (readoutWeight, readoutBias) = (values[values.count - 2], values[values.count - 1])
        testLabels = test.labels
        embeddedTest = try Variable.linear(Variable(test.inputs), weight: Variable(values[0]), bias: Variable(values[1])).value
    }

    /// `z₀ = x·Wᵀ + b` for raw inputs.
    func embedded(_ x: Tensor) throws -> Tensor {
        try Variable.linear(Variable(x), weight: Variable(embedWeight), bias: Variable(embedBias)).value
    }

    /// The fraction of test samples that `readout(chain(z₀))` misclassifies.
    func testError(_ lesioned: BlockChain) throws -> Double {
        let logits = try Variable.linear(Variable(try lesioned(embeddedTest)), weight: Variable(readoutWeight),
                                         bias: Variable(readoutBias)).value
        return 1 - (try classificationAccuracy(logits, labels: testLabels))
    }
}
