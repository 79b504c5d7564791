// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import TensorCore
import Training
@testable import ResidualNets

@Suite("Conv ResNet checkpoints keep batch norm's running averages")
struct ConvolutionalResNetResumeTests {
    /// 24 random 1×4×4 images in 2 classes (label: sign of the mean pixel).
    static func images(seed: UInt64) throws -> ImageDataset {
        var generator = SeededGenerator(seed: seed)
        let x = try Tensor.randomNormal([24, 16], using: &generator)
        let labels = (0..<24).map { i in (0..<16).reduce(0.0) { $0 + x[i, $1] } > 0 ? 1 : 0 }
        return try ImageDataset(dataset: Dataset(inputs: x, labels: labels, classCount: 2, encoding: .oneHot),
                                channels: 1, height: 4, width: 4)
    }

    @Test("stopped after 2 of 4 epochs and resumed on a fresh network: parameters, running statistics and metrics bit-identical")
    func resumeRestoresRunningStatistics() throws {
        let spec = try ConvolutionalResNetSpec(inputChannels: 1, height: 4, width: 4, classes: 2, blocksPerStage: 1, widths: [2, 3])
        let training = try Self.images(seed: 1), heldOut = try Self.images(seed: 2)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ConvResume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func trainer(epochs: Int) throws -> Trainer {
            var t = Trainer(optimizer: try Adam(learningRate: 0.02), epochs: epochs, batchSize: 8, seed: 3, progress: .silent)
            t.checkpointURL = directory.appendingPathComponent(TrainingCheckpoint.fileName)
            return t
        }
        var whole = try ConvolutionalResNet(spec: spec, seed: 7)
        var uninterrupted = try trainer(epochs: 4)
        let expected = try whole.train(on: training, heldOut: heldOut, trainer: &uninterrupted)

        var first = try ConvolutionalResNet(spec: spec, seed: 7)
        var firstTrainer = try trainer(epochs: 2)
        firstTrainer.checkpointEvery = 2
        _ = try first.train(on: training, heldOut: heldOut, trainer: &firstTrainer)
        let saved = try TrainingCheckpoint.read(from: directory.appendingPathComponent(TrainingCheckpoint.fileName))
        #expect(saved.buffers.names == whole.buffers.map(\.name) && saved.buffers.count == 12)

        var second = try ConvolutionalResNet(spec: spec, seed: 7)  // fresh running statistics (0 and 1)
        var secondTrainer = try trainer(epochs: 4)
        secondTrainer.resumeFrom = saved
        let resumed = try second.train(on: training, heldOut: heldOut, trainer: &secondTrainer)
        let a = try whole.weights, b = try second.weights
        #expect(a.names == b.names)
        for (name, (x, y)) in zip(a.names, zip(a.values, b.values)) { #expect(x.scalars == y.scalars, "\(name)") }
        func withoutTime(_ m: [EpochMetrics]) -> [EpochMetrics] { m.map { var r = $0; r.seconds = 0; return r } }
        #expect(withoutTime(resumed) == withoutTime(expected))
    }

    @Test("a checkpoint whose buffers do not match the model's is refused, naming both")
    func mismatchedBuffersAreRefused() throws {
        let spec = try ConvolutionalResNetSpec(inputChannels: 1, height: 4, width: 4, classes: 2, blocksPerStage: 1, widths: [2, 3])
        var network = try ConvolutionalResNet(spec: spec, seed: 7)
        var trainer = Trainer(optimizer: try Adam(learningRate: 0.02), epochs: 2, batchSize: 8, seed: 3, progress: .silent)
        trainer.resumeFrom = TrainingCheckpoint(completedEpochs: 1, updates: 3, generatorState: SeededGenerator(seed: 3).state,
                                                parameters: network.parameters, optimizer: trainer.optimizer.savedState,
                                                history: [EpochMetrics(epoch: 1, trainingLoss: 1, trainingAccuracy: nil, heldOutLoss: nil,
                                                                       heldOutAccuracy: nil, gradientNorm: 1, learningRate: 0.02,
                                                                       seconds: 0, counters: [:])])
        do {
            _ = try network.train(on: try Self.images(seed: 1), heldOut: nil, trainer: &trainer)
            Issue.record("a checkpoint without the running statistics was accepted")
        } catch let TrainingError.invalidCheckpoint(_, reason) {
            #expect(reason.contains("buffers []") && reason.contains("bn1.running_mean"), "\(reason)")
        }
    }
}
