// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import Foundation
import MessagePassing
import ResODE

/// `resode train`: trains a classifier `readout ∘ body ∘ embed` whose body is a
/// residual network, its plain twin or a neural ODE, and writes an output
/// folder that `resode eval` accepts unchanged:
///
///     spec.json, weights.npz   the body, in the eval contract's format
///     head.npz                 embedding (if linear) and read-out weights
///     metrics.csv, metrics.json, run.json
///     manifest.json            content hashes of the files above (`RunManifest`)
///
/// The folder is built as a hidden sibling and renamed into place when complete
/// (`RunFolder`); `--checkpoint-every` and `--resume` continue a killed run bit-identically.
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
    @Option(parsing: .unconditional, help: "Number of blocks L (resnet/plain), or weighted layers 6n + 2 (conv-resnet/conv-plain).") var depth: Int = 8
    @Option(help: "Dataset: \(DatasetName.allCases.map(\.rawValue).joined(separator: " | ")).") var dataset: DatasetName?
    @Option(parsing: .unconditional, help: "Samples for synthetic datasets.") var samples: Int = 1000
    @Option(parsing: .unconditional, help: "Input dimension of the nested-spheres dataset.") var sphereDimension: Int = 2
    @Option(parsing: .unconditional, help: "State width d of the body (default: the input width, or 16 for digits).") var dim: Int?
    @Option(help: "How inputs become states: pad (zeros, no parameters; augmentation) or linear.") var embedding: EmbeddingName = .pad
    @Option(parsing: .unconditional, help: "Hidden width of each block's MLP.") var hidden: Int = 32
    @Option(help: "Activation: tanh | relu | softplus.") var activation: String = "tanh"
    @Option(help: "Block scheme: euler | heun | midpoint | rk4.") var scheme: String = "euler"
    @Flag(help: "One field F shared by every block: L steps of the block scheme (--scheme) for the autonomous ODE x' = F(x).") var tied = false
    @Option(name: .customLong("h"), parsing: .unconditional, help: "Step size h (default 1/L).") var stepSize: Double?
    @Option(parsing: .unconditional, help: "Neural ODE: end time t1.") var t1: Double = 1
    @Option(help: "Neural ODE solver (dopri5, euler, heun, rk4-fixed, or a GSL step type).") var solver: String = "dopri5"
    @Option(parsing: .unconditional, help: "Neural ODE relative tolerance.") var rtol: Double = 1e-5
    @Option(parsing: .unconditional, help: "Neural ODE absolute tolerance.") var atol: Double = 1e-7
    @Option(parsing: .unconditional, help: "Neural ODE steps for fixed-step solvers.") var steps: Int = 10
    @Option(help: "Neural ODE gradient: backprop | adjoint | checkpointed (default: backprop for own solvers, adjoint for GSL and rodas4).")
    var gradient: String?
    @Option(parsing: .unconditional, help: "Epochs.") var epochs: Int = 50
    @Option(parsing: .unconditional, help: "Mini-batch size.") var batchSize: Int = 32
    @Option(help: "Optimiser: adam | sgd.") var optimizer: OptimizerName = .adam
    @Option(parsing: .unconditional, help: "Learning rate.") var lr: Double = 0.01
    @Option(parsing: .unconditional, help: "SGD momentum.") var momentum: Double = 0.9
    @Flag(help: "Nesterov momentum (SGD).") var nesterov = false
    @Option(parsing: .unconditional, help: "Weight decay.") var weightDecay: Double = 0
    @Option(help: "Learning-rate schedule: constant | cosine | step.") var schedule: ScheduleName = .cosine
    @Option(parsing: .unconditional, help: "Clip gradients to this global norm.") var clip: Double?
    @Option(parsing: .unconditional, help: "Fraction of samples held out for testing.") var testFraction: Double = 0.25
    @Option(parsing: .unconditional, help: "Seed of data, initialisation and shuffling.") var seed: UInt64 = 1
    @Option(help: "Output folder (default: runs/MODEL-DATASET-seedSEED).") var out: String?
    @Flag(help: "Replace the run already in the output folder.") var overwrite = false
    @Option(help: "Save a checkpoint (weights, optimiser and generator state) every N epochs.") var checkpointEvery: Int?
    @Option(help: "Continue the interrupted run whose output folder is DIR, with its recorded options.") var resume: String?
    @Option(help: "Memory budget, e.g. 512M or 4G (default: half the physical memory).") var maxMemory: MemorySize?
    /// When resuming: the arguments of the interrupted run, kept in its run.json.
    var recordedArguments: [String]? = nil
    @Option(help: "Most vector-field evaluations allowed in one forward pass.") var maxEvaluations: Int = ResourceBudget.defaultEvaluations
    @Option(help: "Data-parallel blocks per batch (on under mpirun with more than one rank, default B = 8); the trained weights are bit-identical for every rank count with the same B; conv models then normalise each block by its own batch statistics.")
    var blocksPerBatch: Int?
    @Option(help: "mnist / cifar10: folder of the IDX files / binary batches (their training images; --samples caps the count).")
    var dataDir: String?
    @Flag(help: "conv-resnet/conv-plain: seeded random crop (padding 1) and horizontal flip of training images.") var augment = false

    func run() throws {
        let world = try ProcessGroup.world()
        let outcome = try world.endingJobOnError("resode train") { try execute(processes: world) }
        if world.rank == 0 {
            print("test accuracy \(outcome.accuracy.map { String(format: "%.4f", $0) } ?? "n/a"); wrote \(outcome.folder.path)")
        }
    }

    /// What a training run produced: its output folder and per-epoch metrics.
    struct Outcome { let folder: URL; let metrics: [EpochMetrics]; let accuracy: Double? }

    /// Validates the options and budgets, then trains into a staged run folder and renames it
    /// into place (or continues an interrupted run, `--resume`). With `processes` of size > 1
    /// (or `--blocks-per-batch`) each batch's gradient is shared among the ranks
    /// (`DataParallelism`) and only rank 0 writes files; every rank reads a resumed checkpoint.
    func execute(processes: ProcessGroup? = nil, quiet: Bool = false) throws -> Outcome {
        let writes = (processes?.rank ?? 0) == 0
        if let resume {
            // A resumed run is the recorded one: other options would be silently ignored, so refuse them.
            let others = RunRecord.processArguments.filter { $0 != "--resume" && $0 != resume && !$0.hasPrefix("--resume=") }
            guard others.isEmpty else {
                throw CLIError("--resume: takes no other options (the interrupted run's recorded options are used); got \(others.joined(separator: " "))")
            }
            let target = URL(fileURLWithPath: resume)
            // Rank 0 claims the staged folder (and finishes a run killed between its final renames);
            // the other ranks read the recorded options and the checkpoint once it has.
            var folder = RunFolder(target: target), finished = false
            if writes {
                folder = try RunFolder.resume(target: target)
                finished = try folder.finishIfComplete()
            }
            if let processes, processes.size > 1 {
                finished = try processes.broadcast(bytes: [finished ? 1 : 0]) == [1]
            }
            if finished {
                if writes { print("the interrupted run was complete; wrote \(folder.target.path)") }
                return Outcome(folder: target, metrics: [], accuracy: nil)
            }
            var (command, arguments) = try Self.recorded(in: folder)
            command.out = resume
            command.recordedArguments = arguments
            try command.validateOptions()
            try command.checkBudget()
            let parallelism = try DataParallelTraining.parallelism(for: command, processes: processes, resuming: true)
            return try command.execute(in: folder, writes: writes, resuming: true, parallelism: parallelism, quiet: quiet)
        }
        // Validate every option and the memory and work budgets before touching the file system.
        try validateOptions()
        try checkBudget()
        let parallelism = try DataParallelTraining.parallelism(for: self, processes: processes, resuming: false)
        let target = URL(fileURLWithPath: outputPath)
        let folder = writes ? try RunFolder.start(target: target, overwrite: overwrite) : RunFolder(target: target)
        do { return try execute(in: folder, writes: writes, resuming: false, parallelism: parallelism, quiet: quiet) } catch {
            // A run that failed (diverged, bad data) leaves nothing behind unless a checkpoint can continue it.
            if writes { folder.discardUnlessCheckpointed() }
            throw error
        }
    }

    var outputPath: String { out ?? "runs/\(model.rawValue)-\(dataset?.rawValue ?? "data")-seed\(seed)" }

    /// The options of an interrupted run, parsed again from the arguments its run.json recorded.
    static func recorded(in folder: RunFolder) throws -> (Train, [String]) {
        let url = folder.staging.appendingPathComponent("run.json")
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) } catch {
            throw CLIError("--resume: cannot read '\(url.path)': \(JSONMemberScan.parserMessage(error))")
        }
        guard let arguments = (object as? [String: Any])?["arguments"] as? [String] else {
            throw CLIError("--resume: '\(url.path)' does not record the run's arguments")
        }
        do { return (try Train.parse(arguments), arguments) } catch {
            throw CLIError("--resume: the recorded arguments no longer parse: \(Train.message(for: error))")
        }
    }

    /// Trains into the staging folder (rank 0 writes; the other ranks only compute), then
    /// renames it into place.
    func execute(in folder: RunFolder, writes: Bool, resuming: Bool, parallelism: DataParallelism?, quiet: Bool) throws -> Outcome {
        let staging = folder.staging
        let data = try loadDataset()
        let splitSeed = seed &+ 1
        let (trainSet, testSet) = try data.split(testFraction: testFraction, seed: splitSeed)
        let inputWidth = data.featureCount
        let width = stateWidth
        var record = RunRecord(command: self, trainCount: trainSet.count, testCount: testSet.count, splitSeed: splitSeed)
        if let recordedArguments { record.arguments = recordedArguments }
        record.arguments = DataParallelTraining.recordedArguments(record.arguments, of: self, parallelism: parallelism)
        if writes && !resuming { try record.write(to: staging, testAccuracy: nil) }
        // Only rank 0 writes the metrics, so only it evaluates the held-out set (it reads no
        // parameter or optimiser state, so the other ranks' steps are unchanged).
        let heldOut: Dataset? = writes ? testSet : nil
        var trainer = try makeTrainer(metricsDirectory: writes ? staging : nil)
        trainer.dataParallelism = parallelism
        if !writes || quiet { trainer.progress = .silent }
        let checkpointURL = staging.appendingPathComponent(TrainingCheckpoint.fileName)
        if writes {
            trainer.checkpointURL = checkpointURL
            trainer.checkpointEvery = checkpointEvery
        }
        if resuming, FileKind(path: checkpointURL.path) == .regular {
            trainer.resumeFrom = try withContext("--resume") { try TrainingCheckpoint.read(from: checkpointURL) }
        }
        let embed: Embedding = embedding == .pad ? .zeroPadding : .linear

        let (bodySpec, bodyParameters, head, metrics): (Data, ParameterList, [(String, Tensor)], [EpochMetrics])
        switch model {
        case .resnet, .plain:
            let spec = try ResidualNetworkSpec(kind: model == .resnet ? .resnet : .plain, dimension: width, hidden: hidden,
                                               activation: parseActivation(), depth: depth, stepSize: stepSize,
                                               scheme: parseScheme(), tied: tied)
            let body = try ResidualNetwork(spec: spec, seed: seed)
            var classifier = try Classifier(inputWidth: inputWidth, stateWidth: width, outputs: data.classCount,
                                            embedding: embed, body: body, seed: seed &+ 2)
            metrics = try trainClassifier(&classifier, on: trainSet, heldOut: heldOut, trainer: &trainer)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            bodySpec = try encoder.encode(spec)
            bodyParameters = try classifier.body.parameters
            head = Self.headParameters(classifier.parameters, excluding: Set(bodyParameters.names))
        case .convResnet, .convPlain:
            let result = try ConvolutionalTraining.train(self, trainSet: trainSet, testSet: heldOut, trainer: &trainer)
            (bodySpec, bodyParameters, head, metrics) = (result.spec, result.weights, [], result.metrics)
        case .node:
            let result = try NeuralODETraining.train(self, data: data, trainSet: trainSet, testSet: heldOut, width: width,
                                                     embedding: embed, trainer: &trainer)
            (bodySpec, bodyParameters, head, metrics) = (result.spec, result.body, result.head, result.metrics)
        }
        let accuracy = metrics.last?.heldOutAccuracy
        guard writes else { return Outcome(folder: folder.target, metrics: metrics, accuracy: accuracy) }
        try Checkpoint.write(specJSON: bodySpec, parameters: bodyParameters, to: staging)
        try NumPy.writeArchive(NumPyArchive(head), to: staging.appendingPathComponent("head.npz"))
        try record.write(to: staging, testAccuracy: accuracy)
        try folder.commit(overwrite: overwrite || resuming)
        return Outcome(folder: folder.target, metrics: metrics, accuracy: accuracy)
    }

    static func headParameters(_ all: ParameterList, excluding body: Set<String>) -> [(String, Tensor)] {
        zip(all.names, all.values).filter { !body.contains($0.0) }.map { ($0.0, $0.1) }
    }

    func loadDataset() throws -> Dataset {
        switch dataset ?? .moons {
        case .spirals: return try Dataset.twoSpirals(count: samples, noise: 0.02, seed: seed)
        case .circles: return try Dataset.concentricCircles(count: samples, factor: 0.5, noise: 0.05, seed: seed)
        case .moons: return try Dataset.twoMoons(count: samples, noise: 0.1, seed: seed)
        case .spheres: return try Dataset.nestedSpheres(dimension: sphereDimension, count: samples, seed: seed)
        case .digits: return try Dataset.digits()
        case .mnist, .cifar10: return try ConvolutionalTraining.loadImages(self).dataset
        }
    }

    func makeTrainer(metricsDirectory: URL?) throws -> Trainer {
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
    struct Result { let spec: Data; let body: ParameterList; let head: [(String, Tensor)]; let metrics: [EpochMetrics] }

    static func train(_ command: Train, data: Dataset, trainSet: Dataset, testSet: Dataset?, width: Int,
                      embedding: Embedding, trainer: inout Trainer) throws -> Result {
        let spec = try NeuralODESpec(dimension: width, hidden: command.hidden, activation: command.parseActivation(),
                                     endTime: command.t1, solver: NeuralODESolverChoice(name: command.solver),
                                     relativeTolerance: command.rtol, absoluteTolerance: command.atol, steps: command.steps,
                                     gradient: try command.gradient.map(NeuralODEGradientMethod.init(option:)))
        let block = try NeuralODEBlock(spec: spec, seed: command.seed)
        var classifier = try Classifier(inputWidth: data.featureCount, stateWidth: width, outputs: data.classCount,
                                        embedding: embedding, body: block, seed: command.seed &+ 2)
        let counter = block.counter
        let metrics = try trainClassifier(&classifier, on: trainSet, heldOut: testSet, trainer: &trainer) {
            defer { counter.reset() }
            return ["forward_evaluations": Double(counter.forward), "backward_evaluations": Double(counter.backward)]
        }
        let body = try classifier.body.parameters
        return Result(spec: try spec.encodedJSON(), body: body,
                      head: Train.headParameters(classifier.parameters, excluding: Set(body.names)),
                      metrics: metrics)
    }
}
