// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import Foundation
import MessagePassing
import ResODE

/// `resode sweep`: a grid of train / paper / eval runs (`SweepGrid`), spread over the MPI
/// ranks with dynamic load balancing (`WorkDistribution`), one process when not launched.
///
/// DIR/runs/<index>-<key>.json   each run's record, written atomically by rank 0 as it completes
/// DIR/runs/<index>-<key>/       a run's artefacts (train's folder, eval's output)
/// DIR/in-flight.json            which rank runs which run (removed when the sweep completes)
/// DIR/results.jsonl, .csv       every record in grid order: written once all runs are done
/// DIR/timing.csv                seconds and rank of each run (the only columns that vary)
///
/// A restarted sweep skips runs whose record file exists for the same command and arguments.
/// results.* are byte-identical for any number of ranks: records carry no timing or rank.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a grid of train/paper/eval runs over the MPI ranks; gather the results in grid order.",
        discussion: "Launch with scripts/mpirun.sh -np P resode sweep … for P ranks; without a launcher it runs alone.")

    @Option(help: "The grid (JSON): {\"runs\": [{\"command\": train|paper|eval, \"options\": {…}, \"axes\": {…}}]}.")
    var grid: String
    @Option(help: "The sweep's folder (created; a folder from an interrupted sweep is resumed).") var out: String

    func run() throws {
        let world = try ProcessGroup.world()
        let runs = try SweepGrid.load(path: grid).runs  // every rank expands the same grid
        for run in runs { try validate(run) }
        // Every rank parsed the same grid, so a bad grid failed on all of them above; from here on
        // an error on one rank ends the job, since the others may be waiting for it.
        let failed = try world.endingJobOnError("resode sweep") { try sweep(runs, world: world) }
        if failed > 0 { throw ExitCode.failure }
    }

    /// Runs the runs not yet recorded and, on rank 0, writes the results; returns the number of failed runs.
    private func sweep(_ runs: [SweepGrid.Run], world: ProcessGroup) throws -> Int {
        let directory = URL(fileURLWithPath: out)
        let runsDirectory = directory.appendingPathComponent("runs")
        var todo: [Int] = []
        if world.rank == 0 {
            try FileManager.default.createDirectory(at: runsDirectory, withIntermediateDirectories: true)
            // Results of an earlier sweep must not outlive this one's failure, so a file that cannot be removed is an error.
            for name in ["results.jsonl", "results.csv", "timing.csv"] {
                let url = directory.appendingPathComponent(name)
                if FileKind(path: url.path) != .missing { try FileManager.default.removeItem(at: url) }
            }
            let previous = directory.appendingPathComponent("in-flight.json")
            if FileKind(path: previous.path) != .missing {
                let names: String
                do { names = String(decoding: try Data(contentsOf: previous), as: UTF8.self) } catch { names = "(\(previous.path) unreadable: \(error.localizedDescription))" }
                printProgress("resode sweep: a previous job ended with runs in flight \(names); they run again")
            }
            todo = runs.filter { run in
                do { return try recorded(run, in: runsDirectory) == nil } catch {
                    printProgress("resode sweep: \(error); run \(run.index) (\(run.stem)) runs again")
                    return true
                }
            }.map(\.index)
            printProgress("resode sweep: \(runs.count) runs, \(runs.count - todo.count) already recorded, \(world.size) rank(s)")
        }
        todo = try world.broadcast(todo.map(Double.init)).map { Int($0) }
        let start = Date()
        try WorkDistribution(group: world).execute(
            jobs: todo,
            run: { index in
                let runStart = Date()
                let record = SweepRunner.record(of: runs[index], directory: runsDirectory)
                let file = SweepRunFile(record: record, seconds: Date().timeIntervalSince(runStart), rank: world.rank)
                return Array(try SweepRecord.encoder(pretty: true).encode(file))
            },
            record: { index, rank, bytes in
                let file = try SweepRecord.decoder().decode(SweepRunFile.self, from: Data(bytes))
                try AtomicFileWriter.write(Data(bytes), to: runsDirectory.appendingPathComponent(runs[index].stem + ".json"))
                printProgress("[\(index + 1)/\(runs.count)] rank \(rank): \(runs[index].command) \(runs[index].arguments.joined(separator: " ")) "
                              + "→ \(file.record.status) (\(String(format: "%.2f", file.seconds)) s)")
            },
            changed: { inFlight in noteInFlight(inFlight, runs: runs, directory: directory) })
        guard world.rank == 0 else { return 0 }
        let files = try runs.map { run -> SweepRunFile in
            guard let file = try recorded(run, in: runsDirectory) else {
                throw CLIError("run \(run.index) (\(run.stem)) has no record after the sweep")
            }
            return file
        }
        try SweepResults.write(files, to: directory)
        let inFlight = directory.appendingPathComponent("in-flight.json")
        do { try FileManager.default.removeItem(at: inFlight) } catch {
            // The results are complete; a leftover file only makes a later resume print a note.
            printProgress("warning: cannot remove \(inFlight.path): \(error.localizedDescription)")
        }
        let failed = files.filter { $0.record.status != "ok" }.count
        print("\(runs.count) runs (\(todo.count) run now on \(world.size) rank(s) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s)"
              + (failed > 0 ? ", \(failed) failed" : "") + "; results: \(directory.appendingPathComponent("results.jsonl").path)")
        return failed
    }

    /// Parses the run's arguments now, so that a bad grid fails before any run starts.
    private func validate(_ run: SweepGrid.Run) throws {
        switch run.command {
        case "train": _ = try SweepRunner.parse(Train.self, run.arguments)
        case "paper": _ = try withContext("paper") { try PaperRegistry.paper(id: SweepRunner.parse(PaperCommand.self, run.arguments).id) }
        default: _ = try SweepRunner.parse(Eval.self, run.arguments.filter { $0 != "--grad" } + ["--output", "-"])
        }
    }

    /// The run's file if it exists and records this very run (same key, command and arguments);
    /// `nil` when there is none or it records another run (the run then runs again).
    /// - Throws: `CLIError` naming the file when it exists but cannot be read or decoded (a run
    ///   killed while its record was renamed cannot leave one, but a hand-edited one can); the
    ///   sweep reports it and runs the run again.
    private func recorded(_ run: SweepGrid.Run, in runsDirectory: URL) throws -> SweepRunFile? {
        let url = runsDirectory.appendingPathComponent(run.stem + ".json")
        guard FileKind(path: url.path) != .missing else { return nil }
        let file: SweepRunFile
        do {
            file = try SweepRecord.decoder().decode(SweepRunFile.self, from: try Data(contentsOf: url))
        } catch {
            throw CLIError("the record '\(url.path)' cannot be read: \(error.localizedDescription)")
        }
        guard file.record.key == run.key, file.record.arguments == run.arguments, file.record.command == run.command
        else { return nil }
        return file
    }

    /// Keeps DIR/in-flight.json and the SIGTERM note naming the runs in flight on each rank.
    private func noteInFlight(_ inFlight: WorkDistribution.InFlight, runs: [SweepGrid.Run], directory: URL) {
        let url = directory.appendingPathComponent("in-flight.json")
        let entries = inFlight.sorted { $0.key < $1.key }.map { rank, index in
            "rank \(rank): run \(index) (\(runs[index].command) \(runs[index].arguments.joined(separator: " ")))"
        }
        ProcessGroup.setTerminationNote(entries.isEmpty ? "resode sweep: ended with no run in flight"
                                        : "resode sweep: the job ended while " + entries.joined(separator: "; "))
        // A note for a later resume only: failing to write it must not stop the sweep.
        do {
            try AtomicFileWriter.write(try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys]), to: url)
        } catch { printProgress("warning: cannot write \(url.path): \(error)") }
    }
}
