// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import NetworkLayers
import TensorCore
@testable import Training

/// A two-class problem for a linear classifier: labels `x₀ + x₁ > 0`.
private func halfPlaneSamples(count: Int, seed: UInt64) throws -> Samples {
    var generator = SeededGenerator(seed: seed)
    let x = try Tensor.randomUniform([count, 2], low: -1, high: 1, using: &generator)
    let labels = (0..<count).map { x[$0, 0] + x[$0, 1] > 0 ? 1 : 0 }
    return try Samples(inputs: x, targets: Tensor.zeros([count, 1]), labels: labels)
}

private func logisticLoss(_ batch: Samples, _ p: [Variable]) throws -> LossEvaluation {
    let logits = try Variable.linear(Variable(batch.inputs), weight: p[0], bias: p[1])
    return LossEvaluation(loss: try Loss.softmaxCrossEntropy(logits: logits, labels: batch.labels), outputs: logits)
}

private func initialParameters() throws -> ParameterList {
    var generator = SeededGenerator(seed: 11)
    return try ParameterList(names: ["weight", "bias"],
                             values: [Tensor.randomNormal([2, 2], using: &generator), Tensor.zeros([2])])
}

private func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("TrainingCheckpointTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("Training checkpoints: save, restore, continue bit-identically")
struct TrainingCheckpointTests {
    func trainer(_ optimizer: any Optimizer, epochs: Int, directory: URL?) throws -> Trainer {
        var t = Trainer(optimizer: optimizer, epochs: epochs, batchSize: 7, seed: 5,
                        schedule: try .cosineAnnealing(initial: 0.05, floor: 0.001, period: 9), metricsDirectory: directory,
                        progress: .silent)
        t.checkpointURL = directory?.appendingPathComponent(TrainingCheckpoint.fileName)
        return t
    }

    @Test("stopping after 4 of 9 epochs and resuming from the checkpoint gives the same parameters and metrics bit for bit",
          arguments: ["adam", "sgd-nesterov"])
    func resumeIsBitIdentical(_ name: String) throws {
        func optimizer() throws -> any Optimizer {
            name == "adam" ? try Adam(learningRate: 0.05, weightDecay: .decoupled(0.01))
                           : try StochasticGradientDescent(learningRate: 0.05, momentum: 0.9, nesterov: true)
        }
        let data = try halfPlaneSamples(count: 45, seed: 1), heldOut = try halfPlaneSamples(count: 20, seed: 2)
        let whole = try folder(), parts = try folder()
        defer { try? FileManager.default.removeItem(at: whole); try? FileManager.default.removeItem(at: parts) }
        var reference = try initialParameters()
        var uninterrupted = try trainer(optimizer(), epochs: 9, directory: whole)
        let expected = try uninterrupted.train(&reference, on: data, heldOut: heldOut, loss: logisticLoss)

        // First part: 4 epochs with a checkpoint every 2 (the checkpoint after epoch 4 is the last).
        var first = try trainer(optimizer(), epochs: 4, directory: parts)
        first.checkpointEvery = 2
        var parameters = try initialParameters()
        _ = try first.train(&parameters, on: data, heldOut: heldOut, loss: logisticLoss)
        let saved = try TrainingCheckpoint.read(from: parts.appendingPathComponent(TrainingCheckpoint.fileName))
        #expect(saved.completedEpochs == 4 && saved.history.count == 4)
        #expect(saved.optimizer == first.optimizer.savedState)
        // Second part: a fresh trainer (fresh optimiser, other initial values) continues from the file.
        var second = try trainer(optimizer(), epochs: 9, directory: parts)
        second.resumeFrom = saved
        var fresh = try initialParameters()
        fresh.values[0] = try Tensor.zeros([2, 2])
        let resumed = try second.train(&fresh, on: data, heldOut: heldOut, loss: logisticLoss)
        #expect(fresh == reference)
        #expect(second.optimizer.savedState == uninterrupted.optimizer.savedState)
        func withoutTime(_ m: [EpochMetrics]) -> [EpochMetrics] { m.map { var r = $0; r.seconds = 0; return r } }
        #expect(withoutTime(resumed) == withoutTime(expected))
        let csv = try String(contentsOf: parts.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 10)
    }

    @Test("a checkpoint round-trips through its file exactly, generator state included")
    func roundTrip() throws {
        var generator = SeededGenerator(seed: 3)
        _ = generator.nextNormal()  // leaves a spare normal deviate in the state
        var parameters = try initialParameters()
        var adam = try Adam(learningRate: 0.1)
        try adam.update(&parameters, gradients: [Tensor.ones([2, 2]), Tensor.ones([2])])
        let record = EpochMetrics(epoch: 1, trainingLoss: 0.5, trainingAccuracy: nil, heldOutLoss: 0.25, heldOutAccuracy: 0.75,
                                  gradientNorm: 1.5, learningRate: 0.1, seconds: 0.01, counters: ["forward_evaluations": 12])
        let checkpoint = TrainingCheckpoint(completedEpochs: 1, updates: 1, generatorState: generator.state, parameters: parameters,
                                            optimizer: adam.savedState, history: [record])
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("c.npz")
        try checkpoint.write(to: url)
        let read = try TrainingCheckpoint.read(from: url)
        #expect(read == checkpoint)
        var continued = try #require(SeededGenerator(state: read.generatorState))
        #expect(continued.nextNormal() == generator.nextNormal())
        #expect(continued.next() == generator.next())
    }

    @Test("restoring state built for other parameters, or a bad generator state, is refused")
    func mismatchedStateIsRefused() throws {
        var adam = try Adam()
        let parameters = try initialParameters()
        let wrong = OptimizerState(stepCount: 1, tensors: ["m": [try Tensor.zeros([3])], "v": [try Tensor.zeros([3])]])
        #expect(throws: TrainingError.self) { try adam.restore(wrong, for: parameters) }
        #expect(throws: TrainingError.self) { try adam.restore(OptimizerState(stepCount: 0, tensors: ["velocity": []]), for: parameters) }
        var sgd = try StochasticGradientDescent(learningRate: 0.1, momentum: 0.5)
        #expect(throws: TrainingError.self) { try sgd.restore(OptimizerState(stepCount: 1, tensors: ["m": []]), for: parameters) }
        #expect(SeededGenerator(state: [0, 0, 0, 0, 0, 0]) == nil)
        #expect(SeededGenerator(state: [1, 2, 3]) == nil)
        var trainer = try trainer(Adam(), epochs: 2, directory: nil)
        trainer.resumeFrom = TrainingCheckpoint(completedEpochs: 5, updates: 0, generatorState: SeededGenerator(seed: 1).state,
                                                parameters: parameters, optimizer: OptimizerState(stepCount: 0, tensors: [:]),
                                                history: [])
        var p = parameters
        #expect(throws: TrainingError.self) {
            try trainer.train(&p, on: try halfPlaneSamples(count: 10, seed: 1), loss: logisticLoss)
        }
    }

    @Test("metrics.csv grows by appending one row per epoch: earlier bytes are never rewritten")
    func metricsAreAppended() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        func record(_ e: Int) -> EpochMetrics {
            EpochMetrics(epoch: e, trainingLoss: 1 / Double(e), trainingAccuracy: 0.5, heldOutLoss: nil, heldOutAccuracy: nil,
                         gradientNorm: 1, learningRate: 0.1, seconds: 0.1, counters: ["calls": Double(e)])
        }
        try MetricsLog.append(record(1), to: dir)
        let first = try Data(contentsOf: dir.appendingPathComponent("metrics.csv"))
        try MetricsLog.append(record(2), to: dir)
        let second = try Data(contentsOf: dir.appendingPathComponent("metrics.csv"))
        #expect(second.prefix(first.count) == first)
        #expect(String(decoding: second, as: UTF8.self) == MetricsLog.csv([record(1), record(2)]))
    }
}
