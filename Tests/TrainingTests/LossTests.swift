// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import TensorCore
import TestSupport
@testable import Training

/// The scalar value of a loss on constants.
private func value(_ loss: Variable) -> Double { loss.value.scalar ?? .nan }

@Suite("Losses: values, stability, gradients, errors")
struct LossTests {
    @Test("mean squared error is ½·mean_b Σ_i (y − t)²: 3.5 for a hand-computed 2×2 case")
    func meanSquaredErrorValue() throws {
        let y = try Tensor([[1, 2], [3, 4]])
        let t = try Tensor([[0, 2], [1, 1]])
        // squared errors 1 + 0 + 4 + 9 = 14; ½ · 14 / 2 samples = 3.5
        #expect(value(try Loss.meanSquaredError(Variable(y), targets: t)) == 3.5)
    }

    @Test("cross-entropy from labels: mean of ln 2 and ln 4 for logits [0, 0] and [0, ln 3] with label 0")
    func crossEntropyValue() throws {
        let z = try Tensor([[0, 0], [0, log(3.0)]])
        let loss = value(try Loss.softmaxCrossEntropy(logits: Variable(z), labels: [0, 0]))
        #expect(abs(loss - 1.5 * log(2.0)) < 1e-15)
    }

    @Test("cross-entropy with one-hot targets equals cross-entropy with the matching labels")
    func crossEntropyTargetsMatchLabels() throws {
        var generator = SeededGenerator(seed: 3)
        let z = try Tensor.randomNormal([5, 4], using: &generator)
        let labels = [3, 0, 1, 1, 2]
        var oneHot = try Tensor.zeros([5, 4])
        for (b, c) in labels.enumerated() { oneHot[b, c] = 1 }
        let fromLabels = value(try Loss.softmaxCrossEntropy(logits: Variable(z), labels: labels))
        let fromTargets = value(try Loss.softmaxCrossEntropy(logits: Variable(z), targets: oneHot))
        #expect(abs(fromLabels - fromTargets) < 1e-15)
    }

    @Test("cross-entropy stays finite and exact for logits ±1000: losses 0 and 2000, gradient (softmax − onehot)/n")
    func crossEntropyExtremeLogits() throws {
        let z = try Tensor([[1000, -1000], [-1000, 1000]])
        let (loss, gradient) = try valueWithGradient(at: z) { try Loss.softmaxCrossEntropy(logits: $0, labels: [0, 0]) }
        #expect(loss == 1000)  // mean of 0 (right class) and 2000 (wrong class by 2000)
        #expect(gradient == (try Tensor([[0, 0], [-0.5, 0.5]])))
    }

    @Test("logistic loss of outputs [0, 2] against targets [+1, −1] is (ln 2 + ln(1 + e²))/2, finite at ±1000")
    func logisticValue() throws {
        let z = try Tensor([[0], [2]])
        let t = try Tensor([[1], [-1]])
        let loss = value(try Loss.logistic(Variable(z), signedTargets: t))
        #expect(abs(loss - (log(2.0) + log1p(exp(2.0))) / 2) < 1e-15)
        let extreme = value(try Loss.logistic(Variable(try Tensor([[1000], [1000]])), signedTargets: t))
        #expect(extreme == 500)  // 0 for the right sign, 1000 for the wrong one
    }

    @Test("loss gradients match central finite differences to 1e-8")
    func gradientsMatchFiniteDifferences() throws {
        var generator = SeededGenerator(seed: 11)
        let z = try Tensor.randomNormal([4, 3], standardDeviation: 2, using: &generator)
        let targets = try Tensor.randomNormal([4, 3], using: &generator)
        let soft = try Tensor([[0.2, 0.3, 0.5], [1, 0, 0], [0, 0.5, 0.5], [0.1, 0.1, 0.8]])
        let labels = [2, 0, 1, 1]
        let column = try Tensor.randomNormal([4, 1], using: &generator)
        let signs = try Tensor([[1], [-1], [-1], [1]])
        let cases: [(Tensor, (Variable) throws -> Variable)] = [
            (z, { try Loss.meanSquaredError($0, targets: targets) }),
            (z, { try Loss.softmaxCrossEntropy(logits: $0, labels: labels) }),
            (z, { try Loss.softmaxCrossEntropy(logits: $0, targets: soft) }),
            (column, { try Loss.logistic($0, signedTargets: signs) }),
        ]
        for (x, loss) in cases {
            let reverse = try gradient(at: x, in: loss)
            let numeric = try FiniteDifferences.gradient(at: x) { value(try loss(Variable($0))) }
            #expect(try (reverse - numeric).maxNorm() < 1e-8)
        }
    }

    @Test("mismatched shapes and out-of-range labels are typed errors naming the problem")
    func badInputsThrow() throws {
        let z = try Tensor([[0, 1], [2, 3]])
        #expect(throws: TrainingError.self) { try Loss.meanSquaredError(Variable(z), targets: Tensor([1, 2])) }
        #expect(throws: TrainingError.labelOutOfRange(operation: "softmaxCrossEntropy", position: 1, label: 2, classCount: 2)) {
            try Loss.softmaxCrossEntropy(logits: Variable(z), labels: [0, 2])
        }
        #expect(throws: TrainingError.self) { try Loss.softmaxCrossEntropy(logits: Variable(z), labels: [0]) }
        #expect(throws: TrainingError.self) { try Loss.logistic(Variable(z), signedTargets: z) }
    }

    @Test("accuracy: argmax (first on ties) for k columns, sign for one column")
    func accuracy() throws {
        let logits = try Tensor([[0.1, 0.9], [2, 1], [0.5, 0.5]])
        #expect(try classificationAccuracy(logits, labels: [1, 0, 1]) == 2.0 / 3.0)  // the tie picks class 0
        let scores = try Tensor([[0.3], [-1], [0]])
        #expect(try classificationAccuracy(scores, labels: [1, 0, 1]) == 2.0 / 3.0)  // 0 is not > 0: class 0
        #expect(throws: TrainingError.self) { try classificationAccuracy(scores, labels: [1, 0]) }
        #expect(throws: TrainingError.self) { try classificationAccuracy(scores, labels: [1, 0, 2]) }
    }
}
