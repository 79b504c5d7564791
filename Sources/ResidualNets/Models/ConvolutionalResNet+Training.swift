// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NetworkLayers
import TensorCore
import Training

extension ConvolutionalResNet {
    /// Trains the network with softmax cross-entropy on an image data set, evaluating on
    /// the held-out images after every epoch (see `Trainer`):
    ///
    ///     training steps:   batch norm in training mode (batch statistics; running averages updated),
    ///                       the batch optionally augmented (seeded crop and flip)
    ///     held-out passes:  evaluation mode (running statistics), no augmentation
    /// The trainer differentiates its training steps and evaluates with constant
    /// parameters, which is how the two are told apart. The running statistics are the
    /// trainer's `buffers` during the call: checkpoints carry them, and under data parallelism
    /// each block normalises by its own batch statistics (as each process does in PyTorch's
    /// `DistributedDataParallel` without `SyncBatchNorm`; one block is ordinary batch norm) and the
    /// running averages are combined in block order, so the result is the same for every process count.
    /// - Returns: the per-epoch metrics.
    /// - Throws: `TrainingError` (non-finite loss, bad settings; augmentation together with data
    ///   parallelism, whose blocks would draw from one generator in a rank-dependent order),
    ///   `DatasetError` for images that do not fit the spec, and model errors.
    public mutating func train(on training: ImageDataset, heldOut: ImageDataset?, trainer: inout Trainer,
                               augmentation: ImageAugmentation? = nil, seed: UInt64 = 0) throws -> [EpochMetrics] {
        for data in [training] + (heldOut.map { [$0] } ?? []) where data.imageShape != [spec.inputChannels, spec.height, spec.width] {
            throw DatasetError.inconsistentShapes(
                reason: "images \(data.imageShape) do not match the network's [\(spec.inputChannels), \(spec.height), \(spec.width)]")
        }
        if augmentation != nil, trainer.dataParallelism != nil {
            throw TrainingError.invalidHyperparameter(
                name: "augmentation", reason: "not available with data-parallel blocks: the crops and flips come from one generator "
                    + "in the order the blocks run, which differs between process counts")
        }
        var parameters = self.parameters
        let model = self
        let bufferNames = buffers.map(\.name)
        let previousBuffers = trainer.buffers
        trainer.buffers = ModelBuffers(
            names: bufferNames, read: { model.buffers.map(\.value) },
            write: { values in try model.network.loadBuffers(Dictionary(uniqueKeysWithValues: zip(bufferNames, values))) })
        defer { trainer.buffers = previousBuffers }
        let generator = GeneratorBox(seed: seed)
        let shape = (training.channels, training.height, training.width)
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
