// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// The version of ResODE recorded in every `run.json`; raise it with each release.
let resodeVersion = "0.1.0"

/// `run.json` of a training run: enough to reproduce it from its own files —
///
///     arguments    the command-line arguments after `resode train` (what `--resume` parses again)
///     options      every option's value after defaults were applied
///     split        training / test sample counts, the test fraction and the split's seed
///     resode_version, git_commit   the source the binary was built from: the commit of the
///                  git checkout that holds the executable (`<root>/.build/<config>/resode`),
///                  read with `git rev-parse HEAD` when the run starts; "unknown" when the binary
///                  is not inside a checkout or git is missing
///     test_accuracy  null until the run ends
struct RunRecord {
    let command: Train
    /// The arguments to record: this process's, or the interrupted run's when resuming.
    var arguments: [String] = RunRecord.processArguments
    let trainCount: Int
    let testCount: Int
    let splitSeed: UInt64

    var options: [String: Any] {
        let c = command
        func optional(_ x: Any?) -> Any { x ?? NSNull() }
        return ["model": c.model.rawValue, "dataset": optional(c.dataset?.rawValue), "samples": c.sampleCount,
                "noise": optional(c.noise), "sphere_dimension": c.sphereDimension, "dim": c.stateWidth,
                "embedding": c.embedding.rawValue, "hidden": c.hidden, "activation": c.activation, "depth": c.depth,
                "scheme": c.scheme, "tied": c.tied, "h": optional(c.stepSize), "t1": c.t1, "solver": c.solver, "rtol": c.rtol,
                "atol": c.atol, "steps": c.steps, "epochs": c.epochs, "batch_size": c.batchSize,
                "optimizer": c.optimizer.rawValue, "lr": c.lr, "momentum": c.momentum, "nesterov": c.nesterov,
                "weight_decay": c.weightDecay, "schedule": c.schedule.rawValue, "clip": optional(c.clip),
                "test_fraction": c.testFraction, "seed": c.seed, "checkpoint_every": optional(c.checkpointEvery),
                "max_memory_bytes": c.maxMemory.map { Double($0.bytes) } ?? ResourceBudget.defaultMemoryBytes,
                "max_evaluations": c.maxEvaluations, "out": c.outputPath]
    }

    func write(to folder: URL, testAccuracy: Double?) throws {
        let object: [String: Any] = [
            "arguments": arguments, "options": options,
            "split": ["train": trainCount, "test": testCount, "test_fraction": command.testFraction, "seed": splitSeed],
            "dataset": command.dataset?.rawValue ?? NSNull(), "model": command.model.rawValue,
            "embedding": command.embedding.rawValue, "input_width": command.inputWidth, "state_width": command.stateWidth,
            "classes": command.classCount, "seed": command.seed, "epochs": command.epochs,
            "resode_version": resodeVersion, "git_commit": Self.gitCommit,
            "test_accuracy": testAccuracy ?? NSNull()]
        try AtomicFileWriter.write(JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]),
                                   to: folder.appendingPathComponent("run.json"))
    }

    /// The arguments after the `train` subcommand, without `--resume` (a resumed run keeps the original record).
    static var processArguments: [String] {
        let all = CommandLine.arguments
        guard let i = all.firstIndex(of: "train") else { return Array(all.dropFirst()) }
        return Array(all[(i + 1)...])
    }

    /// The commit of the checkout that holds the executable, or "unknown".
    static let gitCommit: String = {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        // <root>/.build/<triple>/<config>/resode or <root>/.build/<config>/resode
        var root = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            if root.lastPathComponent == ".build" { root.deleteLastPathComponent(); break }
            root.deleteLastPathComponent()
        }
        guard FileKind(path: root.appendingPathComponent(".git").path) != .missing else { return "unknown" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-C", root.path, "rev-parse", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return "unknown" }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && text.count == 40 ? text : "unknown"
    }()
}
