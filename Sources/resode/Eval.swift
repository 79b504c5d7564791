// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import Foundation
import ResODE

/// `resode eval`: the stable contract documented in the README. Evaluates a
/// model given by `SPEC.json` + `W.npz` (or a run folder holding both) on `X.npy`,
/// writes the final state, and optionally the gradient of `ℓ = ½·Σ Y²` with respect
/// to the input and every weight.
///
/// Every check comes before any output is touched: the output targets (regular files
/// or absent, in writable folders; `-` for standard output), the spec, the memory and
/// work budget, finite weights and inputs, and a finite result. `Y.npy` and `G.npz`
/// are then written both or neither (`OutputTarget.writeAll`).
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate (and differentiate) a resnet, plain, node or conv-resnet model from SPEC.json + W.npz on X.npy.")

    @Option(help: "Model specification (JSON).") var spec: String?
    @Option(help: "Weights (.npz, PyTorch nn.Linear layout).") var weights: String?
    @Option(name: .customLong("run"), help: "A run folder written by resode train (its spec.json and weights.npz, checked against its manifest).")
    var runFolder: String?
    @Option(help: "Input states [batch, dim] (.npy).") var input: String
    @Option(help: "Where to write the final states [batch, dim] (.npy); '-' for standard output.") var output: String
    @Option(help: "Where to write the gradient of ½·ΣY² (.npz: key 'input' and every weight key).") var grad: String?
    @Option(help: "Memory budget, e.g. 512M or 4G (default: half the physical memory).") var maxMemory: MemorySize?
    @Option(help: "Most vector-field evaluations allowed in one forward pass.") var maxEvaluations: Int = ResourceBudget.defaultEvaluations

    func run() throws {
        let (specPath, weightsPath) = try modelFiles()
        let outputTarget = try OutputTarget(option: "--output", path: output, allowsStandardOutput: true)
        let gradTarget = try grad.map { try OutputTarget(option: "--grad", path: $0, allowsStandardOutput: false) }
        if let gradTarget, !outputTarget.isStandardOutput,
           gradTarget.url.standardizedFileURL.path == outputTarget.url.standardizedFileURL.path {
            throw CLIError("--grad: the same file as --output")
        }
        try Self.require("--max-evaluations", maxEvaluations, atLeast: 1)
        let budget = ResourceBudget(memory: maxMemory, evaluations: maxEvaluations)

        try requireRegularInput(specPath, what: "spec")
        let specData = try readFile(specPath, what: "spec")
        let cost = try EvaluableModel.cost(spec: specData)
        if let cost {
            try budget.requireMemory(2 * cost.parameterBytes,
                                     for: "the spec's weights (\(MemorySize.plain(cost.tensors)) tensors, \(MemorySize.plain(cost.parameters)) scalars)")
            try budget.requireEvaluations(cost.evaluations, for: "the spec's depth or steps")
        }
        try requireRegularInput(input, what: "input")
        let inputLimits = NumPyReadLimits(maximumBytes: Int(min(budget.memoryBytes, Double(Int.max / 2))))
        let raw = try withContext("input '\(input)'") { try NumPy.readArray(from: URL(fileURLWithPath: input), limits: inputLimits) }
        if let cost {
            let batch = Double(raw.shape.first ?? 1)
            try budget.requireMemory(cost.evaluationBytes(batch: batch, gradient: grad != nil),
                                     for: grad != nil ? "evaluating and differentiating \(Int(batch)) inputs (the autodiff tape)"
                                                      : "evaluating \(Int(batch)) inputs")
        }
        try requireRegularInput(weightsPath, what: "weights")
        let archive = try withContext("weights '\(weightsPath)'") {
            try EvaluableModel.readWeights(URL(fileURLWithPath: weightsPath), spec: specData, budgetBytes: budget.memoryBytes)
        }
        for entry in archive {
            if let bad = entry.tensor.scalars.firstIndex(where: { !$0.isFinite }) {
                throw CLIError("weights: key '\(entry.name)' element \(bad) is \(entry.tensor.scalars[bad]); weights must be finite")
            }
        }
        let model = try EvaluableModel.load(spec: specData, weights: archive)
        let x = try model.flatteningImages(raw)
        guard x.rank == 2, x.shape[1] == model.dimension else {
            throw CLIError("input: shape \(x.shape) does not match [batch, \(model.dimension)] (spec field 'dim')")
        }
        if let bad = x.scalars.firstIndex(where: { !$0.isFinite }) {
            throw CLIError("input: element \(bad) (row \(bad / model.dimension), column \(bad % model.dimension)) is \(x.scalars[bad])")
        }
        guard let gradTarget else {
            let y = try model.evaluate(x)
            try model.requireFinite(y, what: "output")
            try OutputTarget.writeAll([(outputTarget, NumPy.encodeArray(y))])
            return
        }
        let (y, gradients) = try model.evaluateWithGradient(x)
        try model.requireFinite(y, what: "output")
        let named = [("input", try gradients[0].reshaped(to: raw.shape))] + zip(model.parameterNames, gradients.dropFirst()).map { ($0, $1) }
        for (name, g) in named { try model.requireFinite(g, what: "gradient '\(name)'") }
        try OutputTarget.writeAll([(outputTarget, NumPy.encodeArray(y)),
                                   (gradTarget, NumPy.encodeArchive(NumPyArchive(named)))])
    }

    /// The spec and weights paths: from `--run DIR` (checked against its manifest), or from
    /// `--spec` and `--weights` (checked against a manifest beside them, if there is one).
    func modelFiles() throws -> (spec: String, weights: String) {
        if let runFolder {
            guard spec == nil, weights == nil else { throw CLIError("--run: give either --run or --spec and --weights, not both") }
            let folder = URL(fileURLWithPath: runFolder)
            guard FileKind(path: (runFolder as NSString).resolvingSymlinksInPath) == .directory else {
                throw CLIError("--run: '\(runFolder)' is not a folder")
            }
            guard let manifest = try RunManifest.read(in: folder) else {
                throw CLIError("--run: '\(runFolder)' has no \(RunManifest.fileName); it is not a finished resode run")
            }
            try manifest.verify([Checkpoint.specFileName, Checkpoint.weightsFileName], in: folder)
            return (folder.appendingPathComponent(Checkpoint.specFileName).path,
                    folder.appendingPathComponent(Checkpoint.weightsFileName).path)
        }
        guard let spec, let weights else { throw CLIError("give --spec and --weights, or --run with a run folder") }
        for path in [spec, weights] {
            let url = URL(fileURLWithPath: path)
            let folder = url.deletingLastPathComponent()
            if let manifest = try RunManifest.read(in: folder) {
                let together = URL(fileURLWithPath: spec).deletingLastPathComponent().standardizedFileURL
                    == URL(fileURLWithPath: weights).deletingLastPathComponent().standardizedFileURL
                try manifest.verify(together ? [URL(fileURLWithPath: spec).lastPathComponent, URL(fileURLWithPath: weights).lastPathComponent]
                                             : [url.lastPathComponent], in: folder)
            }
        }
        return (spec, weights)
    }

    static func require(_ option: String, _ value: Int, atLeast lower: Int) throws {
        guard value >= lower else { throw CLIError("\(option): must be ≥ \(lower); got \(value)") }
    }
}

/// An error message for the command line: printed as one line, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, prefixing any error that is not already a `CLIError` with `context`.
func withContext<T>(_ context: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as CLIError { throw error } catch {
        throw CLIError("\(context): \(error)")
    }
}

func readFile(_ path: String, what: String) throws -> Data {
    do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw CLIError("\(what): cannot read '\(path)'")
    }
}

/// A model that `resode eval` can run: a residual/plain network or a neural ODE.
struct EvaluableModel {
    let dimension: Int
    let parameterNames: [String]
    let parameterValues: [Tensor]
    /// The final state for inputs and parameters as variables.
    let forward: (Variable, [Variable]) throws -> Variable
    /// `[C, H, W]` for a model of images, which also accepts `[N, C, H, W]` input.
    var imageShape: [Int]? = nil

    static func load(spec data: Data, weights archive: NumPyArchive) throws -> EvaluableModel {
        let weights = Dictionary(archive.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        switch try modelName(spec: data) {
        case "resnet", "plain":
            let network = try ResidualNetwork(spec: ResidualNetworkSpec.decode(json: data), weights: weights)
            return EvaluableModel(dimension: network.spec.dimension, parameterNames: network.parameters.names,
                                  parameterValues: network.parameters.values,
                                  forward: { try network.forward($0, parameters: $1) })
        case "node":
            return try NeuralODEModel.load(spec: data, weights: weights)
        case "conv-resnet":
            return try ConvolutionalResNetModel.load(spec: data, weights: weights)
        case let other:
            throw CLIError("spec field 'model': unknown value '\(other)' (expected resnet, plain, node or conv-resnet)")
        }
    }

    func evaluate(_ x: Tensor) throws -> Tensor {
        try forward(Variable(x), parameterValues.map { Variable($0) }).value
    }

    /// The final state and the gradients of `½·Σ Y²` for the input then every parameter.
    func evaluateWithGradient(_ x: Tensor) throws -> (Tensor, [Tensor]) {
        var y = x
        let (_, gradients) = try valueWithGradient(at: [x] + parameterValues) { v in
            let out = try forward(v[0], Array(v.dropFirst()))
            y = out.value
            return try out.square().sum() * 0.5
        }
        return (y, gradients)
    }
}
