// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// Range checks of every numeric option of `resode train`, each refused with the allowed
/// range in the message, and the memory and work estimates checked before anything is
/// allocated or any folder created.
extension Train {
    /// Checks an integer option against a closed range.
    static func require(_ option: String, _ value: Int, in range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw CLIError("\(option): must be in \(range.lowerBound)…\(range.upperBound); got \(value)")
        }
    }

    /// Checks a real option: finite and accepted by `check`, described by `allowed` (e.g. "[0, ∞)").
    static func require(_ option: String, _ value: Double, _ allowed: String, _ check: (Double) -> Bool) throws {
        guard value.isFinite, check(value) else { throw CLIError("\(option): must be finite and in \(allowed); got \(value)") }
    }

    /// The upper limit of `--epochs`: a run's metrics stay in memory (one record per epoch).
    static let maximumEpochs = 100_000

    func validateOptions() throws {
        guard dataset != nil else {
            throw CLIError("--dataset is required (\(DatasetName.allCases.map(\.rawValue).joined(separator: ", "))), unless --resume is given")
        }
        try Self.require("--depth", depth, in: 1...1_000_000_000)
        try Self.require("--samples", samples, in: 4...Int(Int32.max))
        try Self.require("--sphere-dimension", sphereDimension, in: 1...Int(Int32.max))
        if let dim { try Self.require("--dim", dim, in: 1...Int(Int32.max)) }
        try Self.require("--hidden", hidden, in: 1...Int(Int32.max))
        if let stepSize { try Self.require("--h", stepSize, "(0, ∞)") { $0 > 0 } }
        try Self.require("--t1", t1, "ℝ without 0") { $0 != 0 }
        try Self.require("--rtol", rtol, "(0, 1]") { $0 > 0 && $0 <= 1 }
        try Self.require("--atol", atol, "[0, 1]") { $0 >= 0 && $0 <= 1 }
        try Self.require("--steps", steps, in: 1...Int(Int32.max))
        try Self.require("--epochs", epochs, in: 0...Self.maximumEpochs)
        try Self.require("--batch-size", batchSize, in: 1...Int(Int32.max))
        try Self.require("--lr", lr, "[0, ∞)") { $0 >= 0 }
        try Self.require("--momentum", momentum, "[0, 1)") { $0 >= 0 && $0 < 1 }
        if nesterov && (optimizer != .sgd || momentum == 0) {
            throw CLIError("--nesterov: needs --optimizer sgd and --momentum > 0")
        }
        try Self.require("--weight-decay", weightDecay, "[0, ∞)") { $0 >= 0 }
        if let clip { try Self.require("--clip", clip, "(0, ∞)") { $0 > 0 } }
        try Self.require("--test-fraction", testFraction, "(0, 1)") { $0 > 0 && $0 < 1 }
        if let checkpointEvery { try Self.require("--checkpoint-every", checkpointEvery, in: 1...Self.maximumEpochs) }
        try Self.require("--max-evaluations", maxEvaluations, in: 1...Int(Int32.max))
        _ = try parseActivation()
        _ = try parseScheme()
        if model == .node { _ = try withContext("--solver") { try NeuralODESolverChoice(name: solver) } }
        if let gradient { _ = try withContext("--gradient") { try NeuralODEGradientMethod(option: gradient) } }
        if embedding == .pad, let dim, dim < inputWidth {
            throw CLIError("--dim \(dim) is below the \(inputWidth) input features, which zero padding (--embedding pad) keeps; "
                           + "pass --dim ≥ \(inputWidth) or --embedding linear")
        }
    }

    /// Features of the chosen dataset, known before it is generated.
    var inputWidth: Int {
        switch dataset {
        case .spheres: return sphereDimension
        case .digits: return 64
        case .mnist: return 784
        case .cifar10: return 3072
        default: return 2
        }
    }

    /// The noise level of the synthetic dataset (as `loadDataset` uses it), `nil` for the others.
    var noise: Double? {
        switch dataset {
        case .spirals: return 0.02
        case .circles: return 0.05
        case .moons: return 0.1
        default: return nil
        }
    }

    var classCount: Int { [.digits, .mnist, .cifar10].contains(dataset) ? 10 : 2 }
    var sampleCount: Int { dataset == .digits ? 1797 : samples }

    /// The state width: `--dim`, else the input width (zero padding) or 16 (digits with a linear embedding).
    var stateWidth: Int { dim ?? (dataset == .digits && embedding == .linear ? 16 : inputWidth) }

    /// The body's cost, from a spec built without allocating any weight.
    func bodyCost() throws -> ModelCost {
        switch model {
        case .resnet, .plain:
            return ModelCost(try ResidualNetworkSpec(kind: model == .resnet ? .resnet : .plain, dimension: stateWidth, hidden: hidden,
                                                     activation: parseActivation(), depth: depth, stepSize: stepSize,
                                                     scheme: parseScheme(), tied: tied))
        case .convResnet, .convPlain:
            let (channels, height, width) = try ConvolutionalTraining.imageShape(of: dataset)
            return ModelCost(convolutionalDepth: depth, channels: channels, height: height, width: width, classes: classCount)
        case .node:
            return ModelCost(try NeuralODESpec(dimension: stateWidth, hidden: hidden, activation: parseActivation(), endTime: t1,
                                               solver: NeuralODESolverChoice(name: solver), relativeTolerance: rtol,
                                               absoluteTolerance: atol, steps: steps))
        }
    }

    /// Refuses a run whose data, parameters or per-batch tape would not fit the budget,
    /// or whose forward pass would take too many field evaluations, naming the quantity.
    func checkBudget() throws {
        let budget = ResourceBudget(memory: maxMemory, evaluations: maxEvaluations)
        let cost = try withContext("model") { try bodyCost() }
        let what = model == .node ? "--steps \(steps) with --solver \(solver)" : "--depth \(depth) with --scheme \(scheme)"
        try budget.requireEvaluations(cost.evaluations, for: what)
        let n = Double(sampleCount), features = Double(inputWidth), width = Double(stateWidth)
        // The samples are held as generated, split, and as batches (about four copies), with labels and a permutation.
        let dataBytes = 8 * n * (4 * features + 4)
        try budget.requireMemory(dataBytes, for: "the dataset (\(sampleCount) samples × \(inputWidth) features)")
        let head = (embedding == .linear ? (features + 1) * width : 0) + (width + 1) * Double(classCount)
        // Parameters, gradients, two Adam moments, the checkpoint's and the model's copies.
        let parameterBytes = 6 * (cost.parameterBytes + 8 * head)
        try budget.requireMemory(parameterBytes, for: "the parameters (\(MemorySize.plain(cost.parameters + head)) scalars, "
                                 + "with their gradients and optimiser state)")
        let batch = min(Double(batchSize), n)
        let tapeBytes = cost.tapeBytes(batch: batch) + 8 * batch * (features + 3 * width + Double(classCount))
        try budget.requireMemory(tapeBytes, for: "the autodiff tape of one batch (\(Int(batch)) samples × "
                                 + "\(MemorySize.plain(max(cost.evaluations, 1))) evaluations × width \(stateWidth), hidden \(hidden))")
        try budget.requireMemory(dataBytes + parameterBytes + tapeBytes, for: "the whole run (data, parameters and tape)")
    }
}
