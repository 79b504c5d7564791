// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import Foundation
import ResODE

/// The result of one sweep run: one line of results.jsonl and one row of results.csv.
/// It holds no timing and no rank, so it is the same whichever rank ran it and however
/// many ranks there were; those go to the run's file and timing.csv.
struct SweepRecord: Codable, Equatable {
    let index: Int
    let key: String
    let command: String
    let arguments: [String]
    /// `ok`, or `error` when the run threw (deterministically: bad data, a diverged training).
    let status: String
    let error: String?
    /// The run's numbers: final-epoch metrics (train), the deciding numbers (paper), output statistics (eval).
    let numbers: [String: Double]
    /// The run's text results (a paper's verdict summary).
    let text: [String: String]

    enum CodingKeys: String, CodingKey { case index, key, command, arguments, status, error, numbers, text }

    // By hand so that a missing error is an explicit `null`.
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(key, forKey: .key)
        try c.encode(command, forKey: .command)
        try c.encode(arguments, forKey: .arguments)
        try c.encode(status, forKey: .status)
        try c.encode(error, forKey: .error)
        try c.encode(numbers, forKey: .numbers)
        try c.encode(text, forKey: .text)
    }

    /// Sorted keys, no escaped slashes, non-finite numbers as `"inf"`, `"-inf"`, `"nan"`.
    static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}

/// What DIR/runs/<stem>.json holds: the record, and when and where it ran.
struct SweepRunFile: Codable {
    let record: SweepRecord
    let seconds: Double
    let rank: Int
}

/// Runs one sweep run in this process with the same code as its subcommand.
enum SweepRunner {
    /// The run's record; an error thrown by the run becomes an `error` record (a result, not a crash).
    static func record(of run: SweepGrid.Run, directory: URL) -> SweepRecord {
        do {
            let (numbers, text) = try execute(run, directory: directory.appendingPathComponent(run.stem))
            return SweepRecord(index: run.index, key: run.key, command: run.command, arguments: run.arguments,
                               status: "ok", error: nil, numbers: numbers, text: text)
        } catch {
            return SweepRecord(index: run.index, key: run.key, command: run.command, arguments: run.arguments,
                               status: "error", error: "\(error)", numbers: [:], text: [:])
        }
    }

    /// Parses the run's arguments with its subcommand's parser and runs it; artefacts go to `folder`.
    static func execute(_ run: SweepGrid.Run, directory folder: URL) throws -> ([String: Double], [String: String]) {
        switch run.command {
        case "train":
            // The folder is the sweep's own: a run without a valid record runs again over its old artefacts.
            let command = try parse(Train.self, run.arguments + ["--out", folder.path, "--overwrite"])
            let outcome = try command.execute(quiet: true)
            guard let last = outcome.metrics.last else { return ([:], [:]) }
            var numbers = ["epochs": Double(outcome.metrics.count), "train_loss": last.trainingLoss,
                           "gradient_norm": last.gradientNorm, "learning_rate": last.learningRate]
            numbers["train_accuracy"] = last.trainingAccuracy
            numbers["test_loss"] = last.heldOutLoss
            numbers["test_accuracy"] = last.heldOutAccuracy
            for (name, value) in last.counters { numbers[name] = value }
            return (numbers, [:])
        case "paper":
            let command = try parse(PaperCommand.self, run.arguments)
            let paper = try withContext("paper") { try PaperRegistry.paper(id: command.id) }
            let result = try paper.run(profile: command.profile.profile) { _ in }
            var numbers = result.numbers
            numbers["reproduced"] = result.verdict.reproduced ? 1 : 0
            return (numbers, ["summary": result.verdict.summary])
        case "eval":
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let output = folder.appendingPathComponent("output.npy"), grad = folder.appendingPathComponent("grad.npz")
            let wantsGradient = run.arguments.last == "--grad"
            let arguments = (wantsGradient ? run.arguments.dropLast() : run.arguments[...]) + ["--output", output.path]
                + (wantsGradient ? ["--grad", grad.path] : [])
            try parse(Eval.self, Array(arguments)).run()
            let y = try NumPy.readArray(from: output)
            var numbers = ["output_sum": y.scalars.reduce(0, +), "output_max_abs": y.scalars.map(abs).max() ?? 0,
                           "output_rows": Double(y.shape.first ?? 0)]
            if wantsGradient {
                for entry in try NumPy.readArchive(from: grad) {
                    numbers["grad_norm_" + entry.name] = entry.tensor.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot()
                }
            }
            return (numbers, [:])
        default:
            throw CLIError("unknown sweep command '\(run.command)'")
        }
    }

    /// The subcommand parsed from `arguments`, or a `CLIError` with the parser's message.
    static func parse<C: ParsableCommand>(_ type: C.Type, _ arguments: [String]) throws -> C {
        do { return try C.parse(arguments) } catch {
            throw CLIError("\(C._commandName) \(arguments.joined(separator: " ")): \(C.message(for: error))")
        }
    }
}
