// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore

/// Trains a classifier `readout ∘ body ∘ embed` with softmax cross-entropy on
/// integer labels, evaluating on a held-out set after every epoch.
///
///     ℓ(θ) = mean_b [ logsumexp(z_b) − z_b[label_b] ],   z = classifier(x; θ)
///
/// - Parameters:
///   - classifier: the model to train, updated in place (its parameters after the last epoch).
///   - training: the training set, features `[n, inputWidth]` and integer labels in `0..<classCount`.
///   - heldOut: the evaluation set (same feature width), or `nil` for no held-out metrics.
///   - trainer: optimiser, schedule, epochs, batch size and seed; its optimiser state advances.
///   - counters: extra per-batch counters (e.g. function evaluations of an ODE block),
///     read after each backward pass and averaged per epoch into extra metrics columns.
/// - Returns: the per-epoch metrics (the last one holds the final held-out accuracy).
/// - Throws: `TrainingError` (non-finite loss with its epoch and batch, bad settings) and model errors.
public func trainClassifier<Body: DifferentiableModel>(_ classifier: inout Classifier<Body>, on training: Dataset,
                                                       heldOut: Dataset?, trainer: inout Trainer,
                                                       counters: @escaping () -> [String: Double] = { [:] }) throws -> [EpochMetrics] {
    guard training.classCount >= 2 else {
        throw TrainingError.invalidSamples(reason: "classification needs labelled samples with at least 2 classes")
    }
    var parameters = classifier.parameters
    let model = classifier
    let metrics = try trainer.train(&parameters, on: training.samples, heldOut: heldOut?.samples) { batch, theta in
        let logits = try model.forward(Variable(batch.inputs), parameters: theta)
        return LossEvaluation(loss: try Loss.softmaxCrossEntropy(logits: logits, labels: batch.labels), outputs: logits,
                              counters: counters)
    }
    classifier.parameters = parameters
    return metrics
}
