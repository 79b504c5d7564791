// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import NetworkLayers
import TensorCore
import Training
@testable import ResidualNets

@Suite("Training residual networks")
struct SpiralTrainingTests {
    /// Two interleaved spirals (1.5 turns): not linearly separable; the network must bend the plane.
    func spiralClassifier(seed: UInt64) throws -> (Classifier<ResidualNetwork>, Dataset, Dataset) {
        let data = try Dataset.twoSpirals(count: 600, turns: 1.5, noise: 0.02, seed: 11)
        let (train, test) = try data.split(testFraction: 0.25, seed: 12)
        let body = try ResidualNetwork(spec: ResidualNetworkSpec(dimension: 8, hidden: 64, depth: 4, stepSize: 1), seed: seed)
        let classifier = try Classifier(inputWidth: 2, stateWidth: 8, outputs: 2, embedding: .linear, body: body, seed: seed)
        return (classifier, train, test)
    }

    /// The setting is chosen to be robust, not lucky: with these hyperparameters
    /// seeds 1–10 all end at 99 % (measured), while the earlier lr 0.02 / 80 epochs
    /// sat on a loss plateau whose escape time is chaotic — 6 of 16 seeds passed, and
    /// a last-bit change in a matrix product flipped seed 1.
    @Test("a residual network reaches ≥ 95 % test accuracy on two spirals in 150 epochs (seed 1)")
    func spiralsAccuracy() throws {
        var (classifier, train, test) = try spiralClassifier(seed: 1)
        var trainer = try Trainer(optimizer: Adam(learningRate: 0.01), epochs: 150, batchSize: 32, seed: 3,
                                  schedule: .cosineAnnealing(initial: 0.01, floor: 1e-4, period: 150), progress: .silent)
        let metrics = try trainClassifier(&classifier, on: train, heldOut: test, trainer: &trainer)
        let accuracy = try #require(metrics.last?.heldOutAccuracy)
        print("spirals: test accuracy \(accuracy) after \(metrics.count) epochs, final loss \(metrics.last!.trainingLoss)")
        #expect(accuracy >= 0.95)
    }

    @Test("the same seed gives bit-identical weights; another seed different ones")
    func reproducibleTraining() throws {
        func run(_ seed: UInt64) throws -> ParameterList {
            var (classifier, train, _) = try spiralClassifier(seed: seed)
            var trainer = try Trainer(optimizer: Adam(learningRate: 0.01), epochs: 2, batchSize: 32, seed: seed, progress: .silent)
            _ = try trainClassifier(&classifier, on: train, heldOut: nil, trainer: &trainer)
            return classifier.parameters
        }
        #expect(try run(5) == run(5))
        #expect(try run(5) != run(6))
    }
}
