// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import TensorCore
import Training

extension ConvolutionalResNet {
    /// Trains the network with softmax cross-entropy on an image data set, evaluating on
    /// the held-out images after every epoch (see `Trainer`):
    ///
    ///     training steps:   batch norm in training mode (batch statistics; running averages updated),
    ///                       the batch optionally augmented (seeded crop and flip)
    ///     held-out passes:  evaluation mode (running statistics), no augmentation
    ///     checkpoints:      hold the running statistics too (`Trainer.modelBuffers`), so a resumed
    ///                       run ends with the uninterrupted run's weights and running statistics
    /// The trainer differentiates its training steps and evaluates with constant
    /// parameters, which is how the two are told apart.
    /// - Returns: the per-epoch metrics.
    /// - Throws: `TrainingError` (non-finite loss, bad settings), `DatasetError` for images
    ///   that do not fit the spec, and model errors.
    public mutating func train(on training: ImageDataset, heldOut: ImageDataset?, trainer: inout Trainer,
                               augmentation: ImageAugmentation? = nil, seed: UInt64 = 0) throws -> [EpochMetrics] {
        for data in [training] + (heldOut.map { [$0] } ?? []) where data.imageShape != [spec.inputChannels, spec.height, spec.width] {
            throw DatasetError.inconsistentShapes(
                reason: "images \(data.imageShape) do not match the network's [\(spec.inputChannels), \(spec.height), \(spec.width)]")
        }
        var parameters = self.parameters
        let model = self
        let generator = GeneratorBox(seed: seed)
        let shape = (training.channels, training.height, training.width)
        // The running averages go into checkpoints and come back on resume.
        trainer.modelBuffers = ModelBuffers(
            read: { try ParameterList(names: model.buffers.map(\.name), values: model.buffers.map(\.value)) },
            restore: { saved in try model.network.loadBuffers(Dictionary(uniqueKeysWithValues: zip(saved.names, saved.values))) })
        defer { trainer.modelBuffers = nil }
        let metrics = try trainer.train(&parameters, on: training.dataset.samples, heldOut: heldOut?.dataset.samples) { batch, theta in
            let isTrainingStep = theta.first?.isTracked ?? false
            var inputs = batch.inputs
            if isTrainingStep, let augmentation {
                inputs = try generator.with { try augmentation.apply(to: inputs, channels: shape.0, height: shape.1, width: shape.2, using: &$0) }
            }
            let logits = try model.forward(Variable(inputs), parameters: theta, mode: isTrainingStep ? .training : .evaluation)
            return LossEvaluation(loss: try Loss.softmaxCrossEntropy(logits: logits, labels: batch.labels), outputs: logits)
        }
        self.parameters = parameters
        return metrics
    }

    /// Parameters then running statistics, by name: what `init(spec:weights:)` and `resode eval` read.
    public var weights: ParameterList {
        get throws {
            try ParameterList(names: parameters.names + buffers.map(\.name), values: parameters.values + buffers.map(\.value))
        }
    }
}

/// A seeded generator that the training loop's closure can advance (behind a lock).
private final class GeneratorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var generator: SeededGenerator
    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }
    func with<T>(_ body: (inout SeededGenerator) throws -> T) throws -> T { try lock.withLock { try body(&generator) } }
}
