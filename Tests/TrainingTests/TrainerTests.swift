// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import NetworkLayers
import TensorCore
@testable import Training

/// Samples of `y = 2x − 1 + σ·noise` with `x ~ U[−1, 1]`.
private func lineSamples(count: Int, noise: Double, seed: UInt64) throws -> Samples {
    var generator = SeededGenerator(seed: seed)
    let x = try Tensor.randomUniform([count, 1], low: -1, high: 1, using: &generator)
    let y = x.map { 2 * $0 - 1 + noise * generator.nextNormal() }
    return try Samples(inputs: x, targets: y)
}

/// The affine model `ŷ = x·wᵀ + b` with the ½-mean squared error.
private func affineLoss(_ batch: Samples, _ p: [Variable]) throws -> LossEvaluation {
    let y = try Variable.linear(Variable(batch.inputs), weight: p[0], bias: p[1])
    return LossEvaluation(loss: try Loss.meanSquaredError(y, targets: batch.targets), outputs: y)
}

/// The least-squares line `(slope, intercept)` through the samples (closed form).
private func leastSquaresLine(_ data: Samples) -> (slope: Double, intercept: Double) {
    let x = data.inputs.scalars, y = data.targets.scalars
    let n = Double(x.count)
    let xMean = x.reduce(0, +) / n, yMean = y.reduce(0, +) / n
    let covariance = zip(x, y).reduce(0) { $0 + ($1.0 - xMean) * ($1.1 - yMean) }
    let variance = x.reduce(0) { $0 + ($1 - xMean) * ($1 - xMean) }
    return (covariance / variance, yMean - covariance / variance * xMean)
}

private func zeroAffine() throws -> ParameterList {
    try ParameterList(names: ["weight", "bias"], values: [Tensor.zeros([1, 1]), Tensor.zeros([1])])
}

private func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("TrainingTests-\(UUID().uuidString)")
}

@Suite("Trainer: convergence, determinism, failures, metrics")
struct TrainerTests {
    @Test("full-batch gradient descent on y = 2x − 1 + noise reaches the exact least-squares line")
    func linearRegressionReachesLeastSquares() throws {
        let data = try lineSamples(count: 64, noise: 0.1, seed: 1)
        let (slope, intercept) = leastSquaresLine(data)
        var parameters = try zeroAffine()
        var trainer = Trainer(optimizer: try StochasticGradientDescent(learningRate: 1), epochs: 150, batchSize: 64,
                              seed: 0, progress: .silent)
        let history = try trainer.train(&parameters, on: data, loss: affineLoss)
        #expect(abs(parameters.values[0][0, 0] - slope) < 1e-10)
        #expect(abs(parameters.values[1][0] - intercept) < 1e-10)
        #expect(abs(slope - 2) < 0.1 && abs(intercept + 1) < 0.1)
        #expect(history.count == 150)
        #expect(history[149].trainingLoss < history[0].trainingLoss)
    }

    @Test("mini-batch SGD with momentum and cosine annealing lands within 0.005 of the least-squares line")
    func minibatchRegression() throws {
        let data = try lineSamples(count: 96, noise: 0.1, seed: 2)
        let heldOut = try lineSamples(count: 32, noise: 0.1, seed: 3)
        var parameters = try zeroAffine()
        var trainer = Trainer(optimizer: try StochasticGradientDescent(learningRate: 0.1, momentum: 0.9),
                              epochs: 40, batchSize: 16, seed: 4,
                              schedule: try .cosineAnnealing(initial: 0.1, floor: 0, period: 40), progress: .silent)
        let history = try trainer.train(&parameters, on: data, heldOut: heldOut, loss: affineLoss)
        let (slope, intercept) = leastSquaresLine(data)
        #expect(abs(parameters.values[0][0, 0] - slope) < 0.005)
        #expect(abs(parameters.values[1][0] - intercept) < 0.005)
        // the noise has variance 0.01, so the ½-mean squared error of the true line is about 0.005
        let last = try #require(history.last)
        #expect(try #require(last.heldOutLoss) < 0.01)
        #expect(last.trainingAccuracy == nil && last.heldOutAccuracy == nil)
        #expect(last.learningRate < 1e-3)
    }

    @Test("the same seed gives bit-identical weights; a different seed gives different ones")
    func determinism() throws {
        let data = try lineSamples(count: 40, noise: 0.3, seed: 5)
        func trained(seed: UInt64) throws -> [UInt64] {
            var parameters = try zeroAffine()
            var trainer = Trainer(optimizer: try Adam(learningRate: 0.05), epochs: 5, batchSize: 8, seed: seed,
                                  progress: .silent)
            _ = try trainer.train(&parameters, on: data, loss: affineLoss)
            return parameters.values.flatMap { $0.scalars.map(\.bitPattern) }
        }
        #expect(try trained(seed: 7) == trained(seed: 7))
        #expect(try trained(seed: 7) != trained(seed: 8))
    }

    @Test("a NaN loss at the 7th update (4 batches per epoch) throws nonFiniteLoss(epoch: 2, batch: 3) and keeps finite weights")
    func nanLossIsReported() throws {
        let data = try lineSamples(count: 32, noise: 0.1, seed: 6)
        var calls = 0
        var parameters = try zeroAffine()
        var trainer = Trainer(optimizer: try StochasticGradientDescent(learningRate: 0.1), epochs: 3, batchSize: 8,
                              seed: 1, progress: .silent)
        #expect(throws: TrainingError.nonFiniteLoss(epoch: 2, batch: 3)) {
            try trainer.train(&parameters, on: data) { batch, p in
                var evaluation = try affineLoss(batch, p)
                if p[0].isTracked { calls += 1 }
                if calls == 7 { evaluation.loss = try evaluation.loss.scaled(by: .nan) }
                return evaluation
            }
        }
        #expect(parameters.values.allSatisfy { $0.isFinite })
        #expect(parameters.values[0] != Tensor.zeros(like: parameters.values[0]))  // six updates were kept
    }

    @Test("a learning rate of 1e10 makes the loss overflow: nonFiniteLoss within the run")
    func divergenceIsReported() throws {
        let data = try lineSamples(count: 32, noise: 0.1, seed: 6)
        var parameters = try zeroAffine()
        var trainer = Trainer(optimizer: try StochasticGradientDescent(learningRate: 1e10), epochs: 20, batchSize: 8,
                              seed: 1, progress: .silent)
        do {
            _ = try trainer.train(&parameters, on: data, loss: affineLoss)
            Issue.record("training with a learning rate of 1e10 did not fail")
        } catch let TrainingError.nonFiniteLoss(epoch, batch) {
            #expect((1...20).contains(epoch) && (1...4).contains(batch))
            #expect(epoch > 1 || batch > 1)  // the first loss, at zero weights, is finite
        }
    }

    @Test("an infinite gradient (√θ at θ = 0) throws nonFiniteGradient naming the parameter")
    func infiniteGradientIsReported() throws {
        let data = try lineSamples(count: 4, noise: 0, seed: 1)
        var parameters = try ParameterList(names: ["w"], values: [Tensor([0])])
        var trainer = Trainer(optimizer: try StochasticGradientDescent(learningRate: 0.1), epochs: 1, batchSize: 4,
                              seed: 1, progress: .silent)
        #expect(throws: TrainingError.nonFiniteGradient(epoch: 1, batch: 1, parameter: "w")) {
            try trainer.train(&parameters, on: data) { _, p in LossEvaluation(loss: try p[0].sqrt().sum()) }
        }
    }

    @Test("metrics.csv has the header and one row per epoch; counters become averaged columns; no temp files remain")
    func metricsFiles() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try lineSamples(count: 20, noise: 0.1, seed: 8)   // batches of 8, 8, 4
        var parameters = try zeroAffine()
        var trainer = Trainer(optimizer: try StochasticGradientDescent(learningRate: 0.1), epochs: 3, batchSize: 8,
                              seed: 2, metricsDirectory: directory, progress: .silent)
        let history = try trainer.train(&parameters, on: data, heldOut: data) { batch, p in
            var evaluation = try affineLoss(batch, p)
            evaluation.counters = { ["forward_evaluations": Double(batch.count), "backward_evaluations": 2] }
            return evaluation
        }
        let lines = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0] == "epoch,training_loss,training_accuracy,held_out_loss,held_out_accuracy,gradient_norm,"
            + "learning_rate,seconds,backward_evaluations,forward_evaluations")
        for (k, record) in history.enumerated() {
            let cells = lines[k + 1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(cells.count == 10)
            #expect(cells[0] == "\(k + 1)")
            #expect(Double(cells[1]) == record.trainingLoss)
            #expect(cells[2] == "" && cells[4] == "")
            #expect(Double(cells[3]) == record.heldOutLoss)
            #expect(Double(cells[8]) == 2)
            #expect(Double(cells[9]) == 20.0 / 3.0)
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("metrics.json")))
        let objects = try #require(json as? [[String: Any]])
        #expect(objects.count == 3)
        #expect(objects[2]["epoch"] as? Int == 3)
        #expect(objects[2]["training_accuracy"] is NSNull)
        #expect(objects[2]["forward_evaluations"] as? Double == 20.0 / 3.0)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["metrics.csv", "metrics.json"])
    }

    @Test("a per-step schedule changes the rate every update: the epoch records its last update's rate")
    func perStepSchedule() throws {
        let data = try lineSamples(count: 32, noise: 0.1, seed: 9)   // 4 batches per epoch
        var parameters = try zeroAffine()
        var trainer = Trainer(optimizer: try StochasticGradientDescent(learningRate: 1), epochs: 2, batchSize: 8,
                              seed: 3, schedule: try .stepDecay(initial: 1, factor: 0.5, every: 1, per: .step),
                              progress: .silent)
        let history = try trainer.train(&parameters, on: data, loss: affineLoss)
        #expect(history.map(\.learningRate) == [0.125, 0.0078125])  // steps 3 and 7 (0-based)
    }

    @Test("classification: softmax regression separates two classes, held-out accuracy ≥ 0.95, clipping reports pre-clip norms")
    func classification() throws {
        var generator = SeededGenerator(seed: 10)
        func samples(_ n: Int) throws -> Samples {
            var points: [Double] = [], labels: [Int] = []
            while labels.count < n {
                let (a, b) = (2 * generator.nextUniform() - 1, 2 * generator.nextUniform() - 1)
                guard abs(a + b) > 0.1 else { continue }   // a margin around the boundary a + b = 0
                points += [a, b]
                labels.append(a + b > 0 ? 1 : 0)
            }
            return try Samples(inputs: Tensor(shape: [n, 2], scalars: points), targets: Tensor.zeros([n, 0]), labels: labels)
        }
        let training = try samples(64), heldOut = try samples(64)
        var parameters = try ParameterList(names: ["weight", "bias"], values: [Tensor.zeros([2, 2]), Tensor.zeros([2])])
        var trainer = Trainer(optimizer: try Adam(learningRate: 0.1), epochs: 15, batchSize: 16, seed: 11,
                              maxGradientNorm: 0.1, evaluationBatchSize: 10, progress: .silent)
        let history = try trainer.train(&parameters, on: training, heldOut: heldOut) { batch, p in
            let logits = try Variable.linear(Variable(batch.inputs), weight: p[0], bias: p[1])
            return LossEvaluation(loss: try Loss.softmaxCrossEntropy(logits: logits, labels: batch.labels), outputs: logits)
        }
        let last = try #require(history.last)
        #expect(try #require(last.heldOutAccuracy) >= 0.95)
        #expect(try #require(last.trainingAccuracy) >= 0.9)
        #expect(history[0].gradientNorm > 0.1)   // the reported norm is taken before clipping to 0.1
    }

    @Test("evaluation in uneven batches gives the same loss as one full batch")
    func evaluationBatches() throws {
        let data = try lineSamples(count: 10, noise: 0.5, seed: 12)
        let parameters = try ParameterList(names: ["weight", "bias"], values: [Tensor([[1.5]]), Tensor([-0.5])])
        let trainer = Trainer(optimizer: try Adam(), epochs: 1, batchSize: 3, seed: 0, progress: .silent)
        let batched = try trainer.evaluate(parameters, on: data, loss: affineLoss)
        let whole = try affineLoss(data, parameters.values.map { Variable($0) }).loss.value.scalar
        #expect(abs(batched.loss - (whole ?? .nan)) < 1e-14)
        #expect(batched.accuracy == nil)
    }

    @Test("bad settings and inconsistent samples are typed errors")
    func badSettings() throws {
        let data = try lineSamples(count: 4, noise: 0, seed: 1)
        var parameters = try zeroAffine()
        var trainer = Trainer(optimizer: try Adam(), epochs: 1, batchSize: 0, seed: 0, progress: .silent)
        #expect(throws: TrainingError.self) { try trainer.train(&parameters, on: data, loss: affineLoss) }
        trainer.batchSize = 2
        trainer.maxGradientNorm = -1
        #expect(throws: TrainingError.self) { try trainer.train(&parameters, on: data, loss: affineLoss) }
        #expect(throws: TrainingError.self) { try Samples(inputs: Tensor.zeros([3, 1]), targets: Tensor.zeros([4, 1])) }
        #expect(throws: TrainingError.self) {
            try Samples(inputs: Tensor.zeros([3, 1]), targets: Tensor.zeros([3, 1]), labels: [0, 1])
        }
    }
}
