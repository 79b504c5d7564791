// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NetworkLayers
import TensorCore

/// Mini-batch training of a `ParameterList` against a loss function:
///
///     for epoch e = 1…E:
///         shuffle 0..<n with the seeded generator; cut into batches of `batchSize` (the last may be short)
///         for batch b = 1…B:
///             L, g = value and gradient of loss(batch, θ)      (stop if L or g is not finite)
///             ‖g‖ = global norm; clip g to `maxGradientNorm` if set
///             η = schedule(e − 1 or step);  θ ← optimizer(θ, g, η)
///         evaluate on the held-out set; record `EpochMetrics` and append its row to metrics.csv
///         every `checkpointEvery` epochs: save a `TrainingCheckpoint` (atomically)
///
/// With `resumeFrom` set, the parameters, the optimiser's state, the generator, the
/// update count and the metrics are taken from the checkpoint and the loop starts at
/// the epoch after it; the result is bit-identical to the run that was never stopped.
///
/// Everything numeric is sequential and seeded: the same seed, initial parameters and
/// data give bit-identical parameters. The model is whatever the loss function computes.
public struct Trainer: Sendable {
    /// The optimiser; its state (momenta) carries over from one `train` call to the next.
    public var optimizer: any Optimizer
    /// The learning rate of each update, which overrides `optimizer.learningRate`.
    public var schedule: LearningRateSchedule
    /// Number of passes over the training set.
    public var epochs: Int
    /// Samples per mini-batch (≥ 1).
    public var batchSize: Int
    /// Samples per evaluation batch on the held-out set; `nil` uses `batchSize`.
    public var evaluationBatchSize: Int?
    /// Seed of the shuffling generator.
    public var seed: UInt64
    /// If set, gradients are clipped to this global norm before each update.
    public var maxGradientNorm: Double?
    /// If set, each epoch's row is appended to `metrics.csv` here, and `metrics.json` is written once at the end.
    public var metricsDirectory: URL?
    /// If set (≥ 1), a checkpoint is written to `checkpointURL` after every this many epochs.
    public var checkpointEvery: Int?
    /// Where checkpoints go (one file, replaced atomically each time).
    public var checkpointURL: URL?
    /// A checkpoint to continue from instead of starting at epoch 1.
    public var resumeFrom: TrainingCheckpoint?
    /// Where progress goes.
    public var progress: ProgressOutput
    /// If set, each batch's gradient is computed in blocks shared among processes and summed in
    /// block order (see `DataParallelism`); `nil` computes it in one piece here.
    public var dataParallelism: DataParallelism?
    /// The model's buffers (batch norm's running averages), if it has any: checkpoints carry them,
    /// and data-parallel training combines them in block order (see `ModelBuffers`).
    public var buffers: ModelBuffers?

    /// - Parameters:
    ///   - optimizer: the update rule (e.g. `Adam`, `SGD`), with its learning rate.
    ///   - epochs: the number of passes over the training set, ≥ 1.
    ///   - batchSize: the samples per mini-batch, ≥ 1.
    ///   - seed: the seed of the generator that shuffles the training set each epoch.
    ///   - schedule: the learning rates; `nil` keeps the optimiser's current learning rate constant.
    ///   - maxGradientNorm: if set, the global gradient norm each update is clipped to.
    ///   - evaluationBatchSize: samples per evaluation batch on the held-out set; `nil` uses `batchSize`.
    ///   - metricsDirectory: if set, where `metrics.csv` (a row per epoch) and `metrics.json` are written.
    ///   - progress: where progress goes (`.automatic`: a bar on a terminal, lines otherwise).
    public init(optimizer: any Optimizer, epochs: Int, batchSize: Int, seed: UInt64,
                schedule: LearningRateSchedule? = nil, maxGradientNorm: Double? = nil,
                evaluationBatchSize: Int? = nil, metricsDirectory: URL? = nil, progress: ProgressOutput = .automatic) {
        self.optimizer = optimizer
        self.schedule = schedule ?? .constant(optimizer.learningRate)
        self.epochs = epochs
        self.batchSize = batchSize
        self.evaluationBatchSize = evaluationBatchSize
        self.seed = seed
        self.maxGradientNorm = maxGradientNorm
        self.metricsDirectory = metricsDirectory
        self.progress = progress
    }

    /// Trains `parameters` in place for `epochs` epochs and returns one record per epoch.
    ///
    /// On a thrown error `parameters` holds the values after the last successful update,
    /// and the metrics files hold the epochs completed before it.
    /// - Parameters:
    ///   - parameters: the initial values, replaced by the trained ones.
    ///   - training: the samples to fit.
    ///   - heldOut: samples to evaluate on after each epoch (validation or test), never trained on.
    ///   - loss: the loss of one batch given the parameters as variables.
    /// - Throws: `TrainingError.nonFiniteLoss(epoch:batch:)` / `.nonFiniteGradient(epoch:batch:parameter:)`
    ///   (1-based) when a batch's loss or gradient is NaN or ±∞, `.invalidHyperparameter` or
    ///   `.invalidSamples` for bad settings or empty sets, and whatever `loss` or the optimiser throws.
    public mutating func train(_ parameters: inout ParameterList, on training: Samples, heldOut: Samples? = nil,
                               loss: LossFunction) throws -> [EpochMetrics] {
        try validate(training: training, heldOut: heldOut)
        var generator = SeededGenerator(seed: seed)
        let n = training.count
        let batchCount = (n + batchSize - 1) / batchSize
        var reporter = ProgressReporter(style: progress, epochs: epochs, batchesPerEpoch: batchCount)
        var history: [EpochMetrics] = []
        var step = 0
        if let saved = resumeFrom {
            try restore(saved, into: &parameters, generator: &generator)
            (history, step) = (saved.history, saved.updates)
            if let metricsDirectory { try MetricsLog.writeCSV(history, to: metricsDirectory) }
        } else if let metricsDirectory {
            // A fresh run appends to its own file, never to a previous run's rows.
            let csv = metricsDirectory.appendingPathComponent("metrics.csv")
            if FileManager.default.fileExists(atPath: csv.path) { try FileManager.default.removeItem(at: csv) }
        }
        for epochIndex in history.count..<max(epochs, history.count) {
            let epoch = epochIndex + 1
            let start = ContinuousClock.now
            let order = generator.permutation(n)
            var totals = EpochTotals()
            var rate = schedule.learningRate(at: epochIndex)
            for b in 0..<batchCount {
                let batch = try training.subset(Array(order[(b * batchSize)..<min((b + 1) * batchSize, n)]))
                let evaluation = try dataParallelism.map { try $0.lossAndGradients(of: loss, on: batch, at: parameters, buffers: buffers) }
                    ?? BatchGradient(loss: loss, batch: batch, parameters: parameters)
                let (value, correct, counters) = (evaluation.value, evaluation.correct, evaluation.counters)
                var gradients = evaluation.gradients
                guard value.isFinite else { throw TrainingError.nonFiniteLoss(epoch: epoch, batch: b + 1) }
                if let k = gradients.firstIndex(where: { !$0.isFinite }) {
                    throw TrainingError.nonFiniteGradient(epoch: epoch, batch: b + 1, parameter: parameters.names[k])
                }
                let norm = try maxGradientNorm.map { try clipByGlobalNorm(&gradients, maxNorm: $0) }
                    ?? globalNorm(of: gradients)
                rate = schedule.learningRate(at: schedule.unit == .epoch ? epochIndex : step)
                optimizer.learningRate = rate
                try optimizer.update(&parameters, gradients: gradients)
                step += 1
                totals.add(batch: batch, loss: value, correct: correct, gradientNorm: norm, counters: counters)
                reporter.batchFinished(epoch: epoch, batch: b + 1, runningLoss: totals.lossSum / Double(totals.samples))
            }
            let heldOutResult = try heldOut.map { try evaluate(parameters, on: $0, loss: loss) }
            let record = EpochMetrics(
                epoch: epoch, trainingLoss: totals.lossSum / Double(totals.samples),
                trainingAccuracy: totals.accuracySamples > 0 ? Double(totals.correct) / Double(totals.accuracySamples) : nil,
                heldOutLoss: heldOutResult?.loss, heldOutAccuracy: heldOutResult?.accuracy,
                gradientNorm: totals.normSum / Double(batchCount), learningRate: rate,
                seconds: Trainer.seconds(start.duration(to: .now)),
                counters: totals.counterSums.mapValues { $0 / Double(batchCount) })
            history.append(record)
            if let metricsDirectory { try MetricsLog.append(record, to: metricsDirectory) }
            if let every = checkpointEvery, let checkpointURL, epoch % every == 0 {
                try TrainingCheckpoint(completedEpochs: epoch, updates: step, generatorState: generator.state,
                                       parameters: parameters, optimizer: optimizer.savedState, history: history,
                                       buffers: try buffers.map { try ParameterList(names: $0.names, values: try $0.read()) } ?? ParameterList())
                    .write(to: checkpointURL)
            }
            reporter.epochFinished(record)
        }
        if let metricsDirectory { try MetricsLog.writeJSON(history, to: metricsDirectory) }
        return history
    }

    /// Puts a checkpoint's parameters, optimiser state and generator in place.
    /// - Throws: `TrainingError.invalidCheckpoint` when it was taken for other parameters,
    ///   for more epochs than this run has, or holds a bad generator state.
    private mutating func restore(_ saved: TrainingCheckpoint, into parameters: inout ParameterList,
                                  generator: inout SeededGenerator) throws {
        func bad(_ reason: String) -> TrainingError { .invalidCheckpoint(path: checkpointURL?.path ?? "(memory)", reason: reason) }
        guard saved.parameters.names == parameters.names,
              zip(saved.parameters.values, parameters.values).allSatisfy({ $0.shape == $1.shape }) else {
            throw bad("it was taken for other parameters (names or shapes differ)")
        }
        guard saved.completedEpochs <= epochs, saved.history.count == saved.completedEpochs else {
            throw bad("it holds \(saved.completedEpochs) epochs, this run has \(epochs)")
        }
        guard let restored = SeededGenerator(state: saved.generatorState) else { throw bad("the generator state is invalid") }
        let expectedBuffers = buffers?.names ?? []
        guard saved.buffers.names == expectedBuffers else {
            throw bad("it holds the buffers [\(saved.buffers.names.joined(separator: ", "))], the model has [\(expectedBuffers.joined(separator: ", "))]")
        }
        try optimizer.restore(saved.optimizer, for: saved.parameters)
        if let buffers { try buffers.write(saved.buffers.values) }
        parameters = saved.parameters
        generator = restored
    }

    /// The loss and accuracy of `parameters` on `samples`, in consecutive batches of
    /// `evaluationBatchSize` (or `batchSize`), without differentiation:
    ///
    ///     loss = Σ_batches n_b · L_b / n,    accuracy = #correct / n  (`nil` without outputs or labels)
    ///
    /// Counters reported by `loss` are read (so resetting counters reset) and discarded.
    /// - Throws: `TrainingError.invalidSamples` for an empty set, `.invalidHyperparameter` for a
    ///   batch size below 1, `AutodiffError.nonScalarOutput` for a loss with more than one element,
    ///   and whatever `loss` throws.
    public func evaluate(_ parameters: ParameterList, on samples: Samples,
                         loss: LossFunction) throws -> (loss: Double, accuracy: Double?) {
        let size = evaluationBatchSize ?? batchSize
        guard size >= 1 else {
            throw TrainingError.invalidHyperparameter(name: "evaluation batch size", reason: "must be ≥ 1; got \(size)")
        }
        guard samples.count >= 1 else { throw TrainingError.invalidSamples(reason: "the evaluation set is empty") }
        let constants = parameters.values.map { Variable($0) }
        var lossSum = 0.0, correct = 0, accuracySamples = 0
        for start in stride(from: 0, to: samples.count, by: size) {
            let batch = try samples.slice(start..<min(start + size, samples.count))
            let evaluation = try loss(batch, constants)
            // Read and drop the counters, so that a counter that resets when read starts the
            // next training batch at zero (its counts would otherwise depend on this evaluation).
            _ = evaluation.counters()
            guard let value = evaluation.loss.value.scalar else {
                throw AutodiffError.nonScalarOutput(shape: evaluation.loss.shape)
            }
            lossSum += value * Double(batch.count)
            if let outputs = evaluation.outputs, !batch.labels.isEmpty {
                correct += try correctPredictionCount(outputs.value, labels: batch.labels)
                accuracySamples += batch.count
            }
        }
        return (lossSum / Double(samples.count), accuracySamples > 0 ? Double(correct) / Double(accuracySamples) : nil)
    }

    private func validate(training: Samples, heldOut: Samples?) throws {
        guard epochs >= 0 else {
            throw TrainingError.invalidHyperparameter(name: "epochs", reason: "must be ≥ 0; got \(epochs)")
        }
        guard batchSize >= 1 else {
            throw TrainingError.invalidHyperparameter(name: "batch size", reason: "must be ≥ 1; got \(batchSize)")
        }
        if let size = evaluationBatchSize, size < 1 {
            throw TrainingError.invalidHyperparameter(name: "evaluation batch size", reason: "must be ≥ 1; got \(size)")
        }
        if let every = checkpointEvery, every < 1 {
            throw TrainingError.invalidHyperparameter(name: "checkpoint interval", reason: "must be ≥ 1 epoch; got \(every)")
        }
        if let c = maxGradientNorm {
            try requireHyperparameter("maximum gradient norm", c, "> 0") { $0 > 0 }
        }
        try schedule.validate()
        guard training.count >= 1 else { throw TrainingError.invalidSamples(reason: "the training set is empty") }
        if let heldOut, heldOut.count < 1 { throw TrainingError.invalidSamples(reason: "the held-out set is empty") }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// Running sums over one epoch's batches.
private struct EpochTotals {
    var samples = 0
    var lossSum = 0.0
    var correct = 0
    var accuracySamples = 0
    var normSum = 0.0
    var counterSums: [String: Double] = [:]

    mutating func add(batch: Samples, loss: Double, correct batchCorrect: Int?, gradientNorm: Double,
                      counters: [String: Double]) {
        samples += batch.count
        lossSum += loss * Double(batch.count)
        normSum += gradientNorm
        if let batchCorrect {
            correct += batchCorrect
            accuracySamples += batch.count
        }
        for (name, value) in counters { counterSums[name, default: 0] += value }
    }
}
