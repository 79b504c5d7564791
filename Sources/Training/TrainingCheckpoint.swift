// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NumPyIO
import NetworkLayers
import TensorCore

/// Everything a `Trainer` needs to continue a run as if it had never stopped, taken at
/// the end of an epoch (so the next batch is batch 1 of epoch `completedEpochs + 1`):
///
///     parameters θ, the optimiser's state (Adam's m, v and t; SGD's velocities),
///     the shuffling generator's state, the epoch and update counts, and the metrics so far.
///
/// The learning-rate schedule is a function of the epoch or update count, and the
/// loss reads only θ and the batch, so resuming from a checkpoint gives bit for bit
/// the parameters and metrics of the uninterrupted run (the wall-clock `seconds` aside).
///
/// On disk it is one `.npz` file, written atomically (temporary file, then rename), so a
/// kill at any moment leaves either the previous checkpoint or the new one:
///
///     state                    [completed epochs, updates made, next batch (always 0)]
///     generator                the 6 state words, each as two exact 32-bit halves (12 values)
///     parameter/<name>         θ, in parameter order
///     optimizer/steps          [step count]
///     optimizer/<role>/<k>     the optimiser's per-parameter tensors
///     metrics/<column>         one value per completed epoch (NaN for a missing value)
///     buffer/<name>            the model's buffers (batch norm's running averages), if any
public struct TrainingCheckpoint: Equatable, Sendable {
    public var completedEpochs: Int
    public var updates: Int
    public var generatorState: [UInt64]
    public var parameters: ParameterList
    public var optimizer: OptimizerState
    public var history: [EpochMetrics]
    /// The model's buffers by name (empty for a model without any).
    public var buffers: ParameterList

    public init(completedEpochs: Int, updates: Int, generatorState: [UInt64], parameters: ParameterList,
                optimizer: OptimizerState, history: [EpochMetrics], buffers: ParameterList = ParameterList()) {
        self.completedEpochs = completedEpochs
        self.updates = updates
        self.generatorState = generatorState
        self.parameters = parameters
        self.optimizer = optimizer
        self.history = history
        self.buffers = buffers
    }

    /// The file name inside a run folder.
    public static let fileName = "checkpoint.npz"

    /// Writes the checkpoint atomically to `url`.
    /// - Throws: Foundation's error or `NumPyFileError` when the file cannot be written.
    public func write(to url: URL) throws {
        var entries: [(String, Tensor)] = []
        entries.append(("state", try Tensor(shape: [3], scalars: [Double(completedEpochs), Double(updates), 0])))
        let halves = generatorState.flatMap { [Double($0 >> 32), Double($0 & 0xFFFF_FFFF)] }
        entries.append(("generator", try Tensor(shape: [halves.count], scalars: halves)))
        for (name, value) in zip(parameters.names, parameters.values) { entries.append(("parameter/\(name)", value)) }
        for (name, value) in zip(buffers.names, buffers.values) { entries.append(("buffer/\(name)", value)) }
        entries.append(("optimizer/steps", try Tensor(shape: [1], scalars: [Double(optimizer.stepCount)])))
        for role in optimizer.tensors.keys.sorted() {
            for (k, t) in (optimizer.tensors[role] ?? []).enumerated() { entries.append(("optimizer/\(role)/\(k)", t)) }
        }
        let counters = MetricsLog.counterColumns(of: history)
        let columns = MetricsLog.fixedColumns + counters
        for (c, column) in columns.enumerated() {
            let values = history.map { record -> Double in
                c == 0 ? Double(record.epoch) : (MetricsLog.values(of: record, counters: counters)[c - 1] ?? .nan)
            }
            entries.append(("metrics/\(column)", try Tensor(shape: [values.count], scalars: values)))
        }
        try NumPy.writeArchive(NumPyArchive(entries), to: url)
    }

    /// Reads a checkpoint written by `write(to:)`.
    /// - Throws: `TrainingError.invalidCheckpoint` naming what is missing or malformed;
    ///   NumPyIO's errors for a damaged file.
    public static func read(from url: URL) throws -> TrainingCheckpoint {
        func bad(_ reason: String) -> TrainingError { .invalidCheckpoint(path: url.path, reason: reason) }
        let archive = try NumPy.readArchive(from: url)
        var byName: [String: Tensor] = [:]
        for entry in archive { byName[entry.name] = entry.tensor }
        func exactCount(_ x: Double, _ what: String) throws -> Int {
            guard x.isFinite, x >= 0, x <= 0x1p53, x == x.rounded() else { throw bad("\(what) is not a count: \(x)") }
            return Int(x)
        }
        guard let state = byName["state"], state.shape == [3] else { throw bad("'state' [3] is missing") }
        let epochs = try exactCount(state.scalars[0], "the epoch"), updates = try exactCount(state.scalars[1], "the update count")
        guard let g = byName["generator"], g.shape == [12] else { throw bad("'generator' [12] is missing") }
        var words: [UInt64] = []
        for i in 0..<6 {
            let high = g.scalars[2 * i], low = g.scalars[2 * i + 1]
            guard [high, low].allSatisfy({ $0 >= 0 && $0 < 0x1p32 && $0 == $0.rounded() }) else { throw bad("'generator' is damaged") }
            words.append(UInt64(high) << 32 | UInt64(low))
        }
        guard SeededGenerator(state: words) != nil else { throw bad("'generator' is not a valid generator state") }
        var parameters = ParameterList(), buffers = ParameterList()
        var roles: [String: [(Int, Tensor)]] = [:]
        for entry in archive {
            if entry.name.hasPrefix("parameter/") {
                try parameters.append(String(entry.name.dropFirst("parameter/".count)), entry.tensor)
            } else if entry.name.hasPrefix("buffer/") {
                try buffers.append(String(entry.name.dropFirst("buffer/".count)), entry.tensor)
            } else if entry.name.hasPrefix("optimizer/"), entry.name != "optimizer/steps" {
                let parts = entry.name.split(separator: "/")
                guard parts.count == 3, let k = Int(parts[2]) else { throw bad("unexpected entry '\(entry.name)'") }
                roles[String(parts[1]), default: []].append((k, entry.tensor))
            }
        }
        var tensors: [String: [Tensor]] = [:]
        for (role, list) in roles {
            guard list.map(\.0) == Array(0..<list.count) else { throw bad("optimizer '\(role)' entries are not 0, 1, …") }
            tensors[role] = list.map(\.1)
        }
        guard let steps = byName["optimizer/steps"], steps.shape == [1] else { throw bad("'optimizer/steps' is missing") }
        let optimizer = OptimizerState(stepCount: try exactCount(steps.scalars[0], "the optimiser's step count"), tensors: tensors)
        return TrainingCheckpoint(completedEpochs: epochs, updates: updates, generatorState: words, parameters: parameters,
                                  optimizer: optimizer, history: try history(byName, epochs: epochs, bad), buffers: buffers)
    }

    static func history(_ byName: [String: Tensor], epochs: Int, _ bad: (String) -> TrainingError) throws -> [EpochMetrics] {
        func column(_ name: String) throws -> [Double] {
            guard let t = byName["metrics/\(name)"], t.shape == [epochs] else { throw bad("'metrics/\(name)' [\(epochs)] is missing") }
            return t.scalars
        }
        let fixed = try MetricsLog.fixedColumns.map(column)
        let counterNames = byName.keys.filter { $0.hasPrefix("metrics/") }.map { String($0.dropFirst("metrics/".count)) }
            .filter { !MetricsLog.fixedColumns.contains($0) }.sorted()
        let counters = try counterNames.map(column)
        func optional(_ x: Double) -> Double? { x.isNaN ? nil : x }
        guard fixed[0] == (0..<epochs).map({ Double($0 + 1) }) else { throw bad("'metrics/epoch' is not 1, 2, …, \(epochs)") }
        return (0..<epochs).map { e in
            var values: [String: Double] = [:]
            for (name, column) in zip(counterNames, counters) where !column[e].isNaN { values[name] = column[e] }
            return EpochMetrics(epoch: e + 1, trainingLoss: fixed[1][e], trainingAccuracy: optional(fixed[2][e]),
                                heldOutLoss: optional(fixed[3][e]), heldOutAccuracy: optional(fixed[4][e]),
                                gradientNorm: fixed[5][e], learningRate: fixed[6][e], seconds: fixed[7][e], counters: values)
        }
    }
}
