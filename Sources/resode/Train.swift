// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import Foundation
import ResODE

/// `resode train`: trains a classifier `readout ∘ body ∘ embed` whose body is a
/// residual network, its plain twin or a neural ODE, and writes an output
/// folder that `resode eval` accepts unchanged:
///
///     spec.json, weights.npz   the body, in the eval contract's format
///     head.npz                 embedding (if linear) and read-out weights
///     metrics.csv, metrics.json, run.json
///
/// With the default zero-padding embedding, `resode eval` on `[x, 0, …, 0]`
/// gives exactly the states that the read-out sees.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a residual, plain or neural-ODE classifier on a dataset.")

    enum Model: String, ExpressibleByArgument, CaseIterable { case resnet, plain, node, convResnet = "conv-resnet", convPlain = "conv-plain" }
    enum DatasetName: String, ExpressibleByArgument, CaseIterable { case spirals, circles, moons, spheres, digits, mnist, cifar10 }
    enum OptimizerName: String, ExpressibleByArgument, CaseIterable { case adam, sgd }
    enum ScheduleName: String, ExpressibleByArgument, CaseIterable { case constant, cosine, step }
    enum EmbeddingName: String, ExpressibleByArgument, CaseIterable { case pad, linear }

    @Option(help: "Body: \(Model.allCases.map(\.rawValue).joined(separator: " | ")).") var model: Model = .resnet
    @Option(help: "Number of blocks L (resnet/plain), or weighted layers 6n + 2 (conv-resnet/conv-plain).") var depth: Int = 8
    @Option(help: "Dataset: \(DatasetName.allCases.map(\.rawValue).joined(separator: " | ")).") var dataset: DatasetName
    @Option(help: "Samples for synthetic datasets.") var samples: Int = 1000
    @Option(help: "Input dimension of the nested-spheres dataset.") var sphereDimension: Int = 2
    @Option(help: "State width d of the body (default: the input width, or 16 for digits).") var dim: Int?
    @Option(help: "How inputs become states: pad (zeros, no parameters; augmentation) or linear.") var embedding: EmbeddingName = .pad
    @Option(help: "Hidden width of each block's MLP.") var hidden: Int = 32
    @Option(help: "Activation: tanh | relu | softplus.") var activation: String = "tanh"
    @Option(help: "Block scheme: euler | heun | midpoint | rk4.") var scheme: String = "euler"
    @Flag(help: "One field F shared by every block (L Euler steps of an autonomous ODE).") var tied = false
    @Option(name: .customLong("h"), help: "Step size h (default 1/L).") var stepSize: Double?
    @Option(help: "Neural ODE: end time t1.") var t1: Double = 1
    @Option(help: "Neural ODE solver (dopri5, euler, heun, rk4-fixed, or a GSL step type).") var solver: String = "dopri5"
    @Option(help: "Neural ODE relative tolerance.") var rtol: Double = 1e-5
    @Option(help: "Neural ODE absolute tolerance.") var atol: Double = 1e-7
    @Option(help: "Neural ODE steps for fixed-step solvers.") var steps: Int = 10
    @Option(help: "Epochs.") var epochs: Int = 50
    @Option(help: "Mini-batch size.") var batchSize: Int = 32
    @Option(help: "Optimiser: adam | sgd.") var optimizer: OptimizerName = .adam
    @Option(help: "Learning rate.") var lr: Double = 0.01
    @Option(help: "SGD momentum.") var momentum: Double = 0.9
    @Flag(help: "Nesterov momentum (SGD).") var nesterov = false
    @Option(help: "Weight decay.") var weightDecay: Double = 0
    @Option(help: "Learning-rate schedule: constant | cosine | step.") var schedule: ScheduleName = .cosine
    @Option(help: "Clip gradients to this global norm.") var clip: Double?
    @Option(help: "Fraction of samples held out for testing.") var testFraction: Double = 0.25
    @Option(help: "Seed of data, initialisation and shuffling.") var seed: UInt64 = 1
    @Option(help: "Output folder.") var out: String?
    @Option(help: "mnist / cifar10: folder of the IDX files / binary batches (their training images; --samples caps the count).")
    var dataDir: String?
    @Flag(help: "conv-resnet/conv-plain: seeded random crop (padding 1) and horizontal flip of training images.") var augment = false

    func run() throws {
        // Validate every option before touching the file system.
        _ = try parseActivation()
        _ = try parseScheme()
        if model == .node { _ = try NeuralODESolverChoice(name: solver) }
        let data = try loadDataset()
        let (trainSet, testSet) = try data.split(testFraction: testFraction, seed: seed &+ 1)
        let inputWidth = data.featureCount
        let width = dim ?? (dataset == .digits ? 16 : inputWidth)
        let folder = URL(fileURLWithPath: out ?? "runs/\(model.rawValue)-\(dataset.rawValue)-seed\(seed)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var trainer = try makeTrainer(metricsDirectory: folder)
        let embed: Embedding = embedding == .pad ? .zeroPadding : .linear

        let (bodySpec, bodyParameters, head, accuracy): (Data, ParameterList, [(String, Tensor)], Double?)
        switch model {
        case .resnet, .plain:
            let spec = try ResidualNetworkSpec(kind: model == .resnet ? .resnet : .plain, dimension: width, hidden: hidden,
                                               activation: parseActivation(), depth: depth, stepSize: stepSize,
                                               scheme: parseScheme(), tied: tied)
            let body = try ResidualNetwork(spec: spec, seed: seed)
            var classifier = try Classifier(inputWidth: inputWidth, stateWidth: width, outputs: data.classCount,
                                            embedding: embed, body: body, seed: seed &+ 2)
            let metrics = try trainClassifier(&classifier, on: trainSet, heldOut: testSet, trainer: &trainer)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            bodySpec = try encoder.encode(spec)
            bodyParameters = classifier.body.parameters
            head = Self.headParameters(classifier.parameters, excluding: Set(bodyParameters.names))
            accuracy = metrics.last?.heldOutAccuracy
        case .convResnet, .convPlain:
            let result = try ConvolutionalTraining.train(self, trainSet: trainSet, testSet: testSet, trainer: &trainer)
            (bodySpec, bodyParameters, head, accuracy) = (result.spec, result.weights, [], result.accuracy)
        case .node:
            let result = try NeuralODETraining.train(self, data: data, trainSet: trainSet, testSet: testSet, width: width,
                                                     embedding: embed, trainer: &trainer)
            (bodySpec, bodyParameters, head, accuracy) = (result.spec, result.body, result.head, result.accuracy)
        }
        try Checkpoint.write(specJSON: bodySpec, parameters: bodyParameters, to: folder)
        try NumPy.writeArchive(NumPyArchive(head), to: folder.appendingPathComponent("head.npz"))
        let summary: [String: Any] = ["dataset": dataset.rawValue, "model": model.rawValue, "embedding": embedding.rawValue,
                                      "input_width": inputWidth, "state_width": width, "classes": data.classCount,
                                      "seed": seed, "epochs": epochs, "test_accuracy": accuracy ?? NSNull()]
        try AtomicFileWriter.write(JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys]),
                                   to: folder.appendingPathComponent("run.json"))
        print("test accuracy \(accuracy.map { String(format: "%.4f", $0) } ?? "n/a"); wrote \(folder.path)")
    }

    static func headParameters(_ all: ParameterList, excluding body: Set<String>) -> [(String, Tensor)] {
        zip(all.names, all.values).filter { !body.contains($0.0) }.map { ($0.0, $0.1) }
    }

    func loadDataset() throws -> Dataset {
        switch dataset {
        case .spirals: return try Dataset.twoSpirals(count: samples, noise: 0.02, seed: seed)
        case .circles: return try Dataset.concentricCircles(count: samples, factor: 0.5, noise: 0.05, seed: seed)
        case .moons: return try Dataset.twoMoons(count: samples, noise: 0.1, seed: seed)
        case .spheres: return try Dataset.nestedSpheres(dimension: sphereDimension, count: samples, seed: seed)
        case .digits: return try Dataset.digits()
        case .mnist, .cifar10: return try ConvolutionalTraining.loadImages(self).dataset
        }
    }

    func makeTrainer(metricsDirectory: URL) throws -> Trainer {
        let decay: WeightDecay = weightDecay > 0 ? .decoupled(weightDecay) : .none
        let optimizer: any Optimizer = switch self.optimizer {
        case .adam: try Adam(learningRate: lr, weightDecay: decay)
        case .sgd: try StochasticGradientDescent(learningRate: lr, momentum: momentum, nesterov: nesterov, weightDecay: decay)
        }
        let lrSchedule: LearningRateSchedule = switch schedule {
        case .constant: .constant(lr)
        case .cosine: try .cosineAnnealing(initial: lr, floor: lr / 50, period: max(epochs, 1))
        case .step: try .stepDecay(initial: lr, factor: 0.1, every: max(epochs / 3, 1))
        }
        return try Trainer(optimizer: optimizer, epochs: epochs, batchSize: batchSize, seed: seed, schedule: lrSchedule,
                           maxGradientNorm: clip, metricsDirectory: metricsDirectory)
    }

    func parseActivation() throws -> Activation {
        guard let a = Activation(rawValue: activation) else {
            throw CLIError("--activation: unknown value '\(activation)' (expected tanh, relu or softplus)")
        }
        return a
    }

    func parseScheme() throws -> BlockScheme {
        guard let s = BlockScheme(rawValue: scheme) else {
            throw CLIError("--scheme: unknown value '\(scheme)' (expected euler, heun, midpoint or rk4)")
        }
        return s
    }
}

/// The `node` body of `resode train`: a neural ODE block between the embedding and the read-out,
/// with forward and backward function evaluations recorded per epoch.
enum NeuralODETraining {
    struct Result { let spec: Data; let body: ParameterList; let head: [(String, Tensor)]; let accuracy: Double? }

    static func train(_ command: Train, data: Dataset, trainSet: Dataset, testSet: Dataset, width: Int,
                      embedding: Embedding, trainer: inout Trainer) throws -> Result {
        let spec = try NeuralODESpec(dimension: width, hidden: command.hidden, activation: command.parseActivation(),
                                     endTime: command.t1, solver: NeuralODESolverChoice(name: command.solver),
                                     relativeTolerance: command.rtol, absoluteTolerance: command.atol, steps: command.steps)
        let block = try NeuralODEBlock(spec: spec, seed: command.seed)
        var classifier = try Classifier(inputWidth: data.featureCount, stateWidth: width, outputs: data.classCount,
                                        embedding: embedding, body: block, seed: command.seed &+ 2)
        let counter = block.counter
        let metrics = try trainClassifier(&classifier, on: trainSet, heldOut: testSet, trainer: &trainer) {
            defer { counter.reset() }
            return ["forward_evaluations": Double(counter.forward), "backward_evaluations": Double(counter.backward)]
        }
        let body = classifier.body.parameters
        return Result(spec: try spec.encodedJSON(), body: body,
                      head: Train.headParameters(classifier.parameters, excluding: Set(body.names)),
                      accuracy: metrics.last?.heldOutAccuracy)
    }
}
