// SPDX-License-Identifier: GPL-3.0-or-later
import ResidualNets
import TensorCore
import Training

/// The training recipe of the reproductions that train convolutional ResNets on the
/// bundled 8×8 digits as `[N, 1, 8, 8]` images (he2016-degradation's convolutional
/// setting, he2016-identity-mappings):
///
///     ℓ(θ) = mean_b softmax-cross-entropy(net(x_b; θ), c_b)      batch norm in training mode
///     Adam(η₀), cosine annealing η₀ → η₀/100 over the epochs, seeded shuffling, batch 32
///
/// with the training error (running, over the epoch's batches, as He et al. plot it) and the
/// test error (evaluation mode, running statistics) recorded after every epoch.
enum ConvolutionalRuns {
    /// The digits images, 80 % / 20 % split (the split of `ClassifierRuns.digits`), the training
    /// part optionally cut to its first `trainingCount` images and the test part to `testCount`.
    static func digits(trainingCount: Int? = nil, testCount: Int? = nil) throws -> (train: ImageDataset, test: ImageDataset) {
        let (train, test) = try ImageDataset.digits().split(testFraction: 0.2, seed: 12)
        func cut(_ images: ImageDataset, _ count: Int?) throws -> ImageDataset {
            guard let count, count < images.dataset.count else { return images }
            guard count >= 1 else { throw ExperimentError.invalidArgument(name: "count", value: "\(count)", reason: "must be ≥ 1") }
            return try ImageDataset(dataset: images.dataset.subset(Array(0..<count)), channels: images.channels,
                                    height: images.height, width: images.width)
        }
        return (try cut(train, trainingCount), try cut(test, testCount))
    }

    /// Per-epoch errors of one training run.
    struct Curves: Sendable, Equatable {
        /// Fraction of training images misclassified during each epoch (training mode).
        var trainingErrors: [Double]
        /// Fraction of test images misclassified after each epoch (evaluation mode).
        var testErrors: [Double]
        /// Mean training loss of each epoch.
        var trainingLosses: [Double]
        /// Scalar parameters of the network.
        var parameterCount: Int
    }

    /// Trains a freshly initialised network of `spec` with the recipe above.
    /// - Throws: `ExperimentError.nonFinite` for a diverged run, training and model errors.
    static func train(_ spec: ConvolutionalResNetSpec, on data: (train: ImageDataset, test: ImageDataset),
                      epochs: Int, learningRate: Double, seed: UInt64) throws -> Curves {
        var network = try ConvolutionalResNet(spec: spec, seed: seed)
        var trainer = try Trainer(optimizer: Adam(learningRate: learningRate), epochs: epochs, batchSize: 32, seed: seed + 100,
                                  schedule: .cosineAnnealing(initial: learningRate, floor: learningRate / 100,
                                                             period: Swift.max(epochs, 1)),
                                  evaluationBatchSize: 256, progress: .silent)
        let metrics = try network.train(on: data.train, heldOut: data.test, trainer: &trainer, seed: seed + 200)
        guard let last = metrics.last, last.trainingLoss.isFinite else {
            throw ExperimentError.nonFinite(what: "the training loss of a conv net with \(spec.blocksPerStage) blocks per stage")
        }
        return Curves(trainingErrors: metrics.map { 1 - ($0.trainingAccuracy ?? .nan) },
                      testErrors: metrics.map { 1 - ($0.heldOutAccuracy ?? .nan) },
                      trainingLosses: metrics.map(\.trainingLoss), parameterCount: network.parameters.scalarCount)
    }
}
