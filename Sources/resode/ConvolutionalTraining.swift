// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// The `conv-resnet` and `conv-plain` models of `resode train`: a CIFAR-style ResNet-(6n+2)
/// (He et al. 2016, §4.2) or its plain twin on an image data set. The whole classifier is the
/// model, so `weights.npz` holds every parameter and running statistic in PyTorch's naming and
/// `resode eval` with the written `spec.json` gives the logits.
enum ConvolutionalTraining {
    struct Result { let spec: Data; let weights: ParameterList; let metrics: [EpochMetrics] }

    static func train(_ command: Train, trainSet: Dataset, testSet: Dataset?, trainer: inout Trainer) throws -> Result {
        let (channels, height, width) = try imageShape(of: command.dataset)
        let training = try ImageDataset(dataset: trainSet, channels: channels, height: height, width: width)
        let heldOut = try testSet.map { try ImageDataset(dataset: $0, channels: channels, height: height, width: width) }
        guard command.depth >= 8, (command.depth - 2) % 6 == 0 else {
            throw CLIError("--depth: a \(command.model.rawValue) has 6n + 2 weighted layers (8, 14, 20, 32, 44, 56, 110), got \(command.depth)")
        }
        let spec = try ConvolutionalResNetSpec(inputChannels: channels, height: height, width: width, classes: trainSet.classCount,
                                               blocksPerStage: (command.depth - 2) / 6, isResidual: command.model == .convResnet,
                                               stepSize: command.stepSize ?? 1)
        var network = try ConvolutionalResNet(spec: spec, seed: command.seed)
        let augmentation = command.augment ? try ImageAugmentation(padding: 1) : nil
        let metrics = try network.train(on: training, heldOut: heldOut, trainer: &trainer, augmentation: augmentation,
                                        seed: command.seed &+ 3)
        return Result(spec: try spec.encodedJSON(), weights: try network.weights, metrics: metrics)
    }

    /// The training images of MNIST or CIFAR-10 from `--data-dir`, at most `--samples` of them.
    static func loadImages(_ command: Train) throws -> ImageDataset {
        guard let dataDir = command.dataDir else { throw CLIError("--data-dir is required for --dataset \(command.dataset?.rawValue ?? "")") }
        let directory = URL(fileURLWithPath: dataDir)
        return try command.dataset == .mnist
            ? ImageDataset.mnist(directory: directory, split: .training, limit: command.samples)
            : ImageDataset.cifar10(directory: directory, split: .training, limit: command.samples)
    }

    static func imageShape(of dataset: Train.DatasetName?) throws -> (Int, Int, Int) {
        guard let dataset else { throw CLIError("--dataset is required (digits, mnist or cifar10 for conv models)") }
        switch dataset {
        case .digits: return (1, 8, 8)
        case .mnist: return (1, 28, 28)
        case .cifar10: return (3, 32, 32)
        default: throw CLIError("--dataset: conv models need images (digits, mnist, cifar10), got '\(dataset.rawValue)'")
        }
    }
}
