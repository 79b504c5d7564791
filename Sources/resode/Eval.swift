// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import Foundation
import ResODE

/// `resode eval`: the stable contract documented in the README. Evaluates a
/// model given by `SPEC.json` + `W.npz` on `X.npy`, writes the final state,
/// and optionally the gradient of `ℓ = ½·Σ Y²` with respect to the input and
/// every weight.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate (and differentiate) a resnet, plain or node model from SPEC.json + W.npz on X.npy.")

    @Option(help: "Model specification (JSON).") var spec: String
    @Option(help: "Weights (.npz, PyTorch nn.Linear layout).") var weights: String
    @Option(help: "Input states [batch, dim] (.npy).") var input: String
    @Option(help: "Where to write the final states [batch, dim] (.npy).") var output: String
    @Option(help: "Where to write the gradient of ½·ΣY² (.npz: key 'input' and every weight key).") var grad: String?

    func run() throws {
        let specData = try readFile(spec, what: "spec")
        let archive = try withContext("weights '\(weights)'") { try NumPy.readArchive(from: URL(fileURLWithPath: weights)) }
        let model = try EvaluableModel.load(spec: specData, weights: archive)
        let raw = try withContext("input '\(input)'") { try NumPy.readArray(from: URL(fileURLWithPath: input)) }
        let x = try model.flatteningImages(raw)
        guard x.rank == 2, x.shape[1] == model.dimension else {
            throw CLIError("input: shape \(x.shape) does not match [batch, \(model.dimension)] (spec field 'dim')")
        }
        if let bad = x.scalars.firstIndex(where: { !$0.isFinite }) {
            throw CLIError("input: element \(bad) (row \(bad / model.dimension), column \(bad % model.dimension)) is \(x.scalars[bad])")
        }
        guard let grad else {
            try NumPy.writeArray(model.evaluate(x), to: URL(fileURLWithPath: output))
            return
        }
        let (y, gradients) = try model.evaluateWithGradient(x)
        try NumPy.writeArray(y, to: URL(fileURLWithPath: output))
        try NumPy.writeArchive(NumPyArchive([("input", try gradients[0].reshaped(to: raw.shape))] + zip(model.parameterNames, gradients.dropFirst()).map { ($0, $1) }),
                               to: URL(fileURLWithPath: grad))
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
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CLIError("spec: not a JSON object")
        }
        let weights = Dictionary(uniqueKeysWithValues: archive.map { ($0.name, $0.tensor) })
        switch object["model"] as? String {
        case "resnet", "plain":
            let network = try ResidualNetwork(spec: ResidualNetworkSpec.decode(json: data), weights: weights)
            return EvaluableModel(dimension: network.spec.dimension, parameterNames: network.parameters.names,
                                  parameterValues: network.parameters.values,
                                  forward: { try network.forward($0, parameters: $1) })
        case "node":
            return try NeuralODEModel.load(spec: data, weights: weights)
        case "conv-resnet":
            return try ConvolutionalResNetModel.load(spec: data, weights: weights)
        case let other?:
            throw CLIError("spec field 'model': unknown value '\(other)' (expected resnet, plain, node or conv-resnet)")
        case nil:
            throw CLIError("spec field 'model' is required")
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
