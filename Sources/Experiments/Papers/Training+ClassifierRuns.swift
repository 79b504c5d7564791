// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore
import Training

/// The training recipe shared by the reproductions that train classifiers
/// (he2016-degradation, veit2016-ensembles, chen2018-odenet, dupont2019-anode):
///
///     ℓ(θ) = mean_b softmax-cross-entropy(classifier(x_b; θ), c_b)
///     Adam(η₀), cosine annealing η₀ → η₀/100 over the epochs, seeded shuffling
///
/// and the data sets they use, with fixed seeds so that every run sees the same samples.
enum ClassifierRuns {
    /// Two spirals (600 samples, 1.5 turns, noise 0.02), 75 % / 25 % split: the recipe of
    /// `SpiralTrainingTests`.
    static func spirals() throws -> (train: Dataset, test: Dataset) {
        try Dataset.twoSpirals(count: 600, turns: 1.5, noise: 0.02, seed: 11).split(testFraction: 0.25, seed: 12)
    }

    /// The bundled 8×8 digits (1,797 images, 10 classes), 80 % / 20 % split.
    static func digits() throws -> (train: Dataset, test: Dataset) {
        try Dataset.digits().split(testFraction: 0.2, seed: 12)
    }

    /// The model with every weight matrix (a parameter whose name ends in `weight`) multiplied
    /// by `gain`; biases unchanged. With `gain = √3` PyTorch's default U(±1/√fan_in) becomes
    /// LeCun's uniform U(±√(3/fan_in)), of variance 1/fan_in, which keeps the scale of a
    /// signal through a linear layer.
    static func scalingWeights<Model: DifferentiableModel>(of model: Model, by gain: Double) throws -> Model {
        var scaled = model
        let values = zip(model.parameters.names, model.parameters.values).map { name, value in
            name.hasSuffix("weight") ? value * gain : value
        }
        scaled.parameters = try model.parameters.replacingValues(values)
        return scaled
    }

    /// What one training run ended with.
    struct Outcome {
        /// One record per epoch.
        var metrics: [EpochMetrics]
        /// The mean cross-entropy on the whole training set after the last update.
        var trainingLoss: Double
        /// The fraction of test samples misclassified after the last update.
        var testError: Double
        /// The mean cross-entropy on the test set after the last update.
        var testLoss: Double
    }

    /// The softmax cross-entropy loss of `classifier` on a batch, with its logits as outputs.
    static func crossEntropy<Body: DifferentiableModel>(_ classifier: Classifier<Body>,
                                                        counters: @escaping () -> [String: Double] = { [:] }) -> LossFunction {
        { batch, theta in
            let logits = try classifier.forward(Variable(batch.inputs), parameters: theta)
            return LossEvaluation(loss: try Loss.softmaxCrossEntropy(logits: logits, labels: batch.labels), outputs: logits,
                                  counters: counters)
        }
    }

    /// Trains `classifier` in place with the recipe above and measures it afterwards.
    /// - Parameters:
    ///   - heldOutEachEpoch: evaluate the test set after every epoch (into `metrics`); the
    ///     final test error is measured either way.
    ///   - counters: per-batch counters for the metrics (e.g. an ODE block's evaluations).
    /// - Throws: `TrainingError` (non-finite loss, bad settings) and model errors.
    static func train<Body: DifferentiableModel>(_ classifier: inout Classifier<Body>,
                                                 on data: (train: Dataset, test: Dataset),
                                                 epochs: Int, learningRate: Double, batchSize: Int = 32, seed: UInt64,
                                                 heldOutEachEpoch: Bool = false,
                                                 counters: @escaping () -> [String: Double] = { [:] }) throws -> Outcome {
        var trainer = try Trainer(optimizer: Adam(learningRate: learningRate), epochs: epochs, batchSize: batchSize,
                                  seed: seed,
                                  schedule: .cosineAnnealing(initial: learningRate, floor: learningRate / 100,
                                                             period: Swift.max(epochs, 1)),
                                  evaluationBatchSize: 256, progress: .silent)
        var parameters = classifier.parameters
        let model = classifier
        let metrics = try trainer.train(&parameters, on: data.train.samples,
                                        heldOut: heldOutEachEpoch ? data.test.samples : nil,
                                        loss: crossEntropy(model, counters: counters))
        classifier.parameters = parameters
        let trained = classifier
        let training = try trainer.evaluate(parameters, on: data.train.samples, loss: crossEntropy(trained))
        let test = try trainer.evaluate(parameters, on: data.test.samples, loss: crossEntropy(trained))
        return Outcome(metrics: metrics, trainingLoss: training.loss, testError: 1 - (test.accuracy ?? 0),
                       testLoss: test.loss)
    }
}
