// SPDX-License-Identifier: GPL-3.0-or-later

/// What went wrong while training, named in words. Epochs and batches are
/// counted from 1, as in the progress output and the metrics files.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The mini-batch loss was NaN or ±∞ at `batch` of `epoch` (both 1-based); no update was applied.
    case nonFiniteLoss(epoch: Int, batch: Int)
    /// The gradient of `parameter` held a NaN or ±∞ at `batch` of `epoch` (both 1-based); no update was applied.
    case nonFiniteGradient(epoch: Int, batch: Int, parameter: String)
    /// An optimiser got a different number of gradients than there are parameters.
    case gradientCount(expected: Int, got: Int)
    /// The gradient (or the optimiser's state) of `parameter` has a shape other than the parameter's.
    case gradientShape(parameter: String, expected: [Int], got: [Int])
    /// The optimiser's state (velocities, moments) was built for other parameters; call `resetState()`.
    case optimizerStateMismatch(reason: String)
    /// A hyperparameter (learning rate, momentum, β, batch size, …) outside its valid range.
    case invalidHyperparameter(name: String, reason: String)
    /// Inputs, targets and labels that do not describe the same samples.
    case invalidSamples(reason: String)
    /// A loss or metric got tensors of the wrong shapes.
    case shapeMismatch(operation: String, reason: String)
    /// A class label outside `0..<classCount` at `position` of the batch.
    case labelOutOfRange(operation: String, position: Int, label: Int, classCount: Int)
    /// A checkpoint directory that lacks a file or holds one that cannot be read.
    case invalidCheckpoint(path: String, reason: String)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(epoch, batch):
            return "the loss became non-finite at epoch \(epoch), batch \(batch) (1-based); "
                + "lower the learning rate, clip the gradients or check the model"
        case let .nonFiniteGradient(epoch, batch, parameter):
            return "the gradient of '\(parameter)' became non-finite at epoch \(epoch), batch \(batch) (1-based); "
                + "lower the learning rate, clip the gradients or check the model"
        case let .gradientCount(expected, got):
            return "the optimiser got \(got) gradients for \(expected) parameters"
        case let .gradientShape(parameter, expected, got):
            return "the gradient of '\(parameter)' has shape \(got), the parameter has shape \(expected)"
        case let .optimizerStateMismatch(reason):
            return "the optimiser's state does not fit these parameters (\(reason)); call resetState() before training others"
        case let .invalidHyperparameter(name, reason):
            return "invalid \(name): \(reason)"
        case let .invalidSamples(reason):
            return "invalid samples: \(reason)"
        case let .shapeMismatch(operation, reason):
            return "\(operation): \(reason)"
        case let .labelOutOfRange(operation, position, label, classCount):
            return "\(operation): label \(label) of sample \(position) is outside 0..<\(classCount)"
        case let .invalidCheckpoint(path, reason):
            return "invalid checkpoint at '\(path)': \(reason)"
        }
    }
}
