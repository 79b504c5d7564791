// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing

/// `resode train --checkpoint-every 1`, killed with SIGKILL at several points and continued
/// with `--resume`, ends with the same bytes as the run that was never stopped.
@Suite("resode train: a killed run resumed ends bit-identical to the uninterrupted one", .serialized)
struct ResumeAfterKillTests {
    static let epochs = 24

    /// The runs: a residual network with Adam, with SGD (momentum), and a neural ODE whose
    /// metrics include per-epoch function-evaluation counters.
    static let variants: [String: [String]] = [
        "resnet-adam": ["--optimizer", "adam"],
        "resnet-sgd": ["--optimizer", "sgd", "--momentum", "0.9"],
        "node-adam": ["--model", "node", "--solver", "dopri5"],
    ]

    func arguments(_ variant: String, out: URL) -> [String] {
        ["train", "--dataset", "moons", "--samples", "300", "--depth", "3", "--dim", "3", "--hidden", "12",
         "--epochs", "\(Self.epochs)", "--batch-size", "16", "--checkpoint-every", "1", "--out", out.path]
            + (Self.variants[variant] ?? [])
    }

    /// metrics.csv without the wall-clock column `seconds`.
    func metricsWithoutTime(_ run: URL) throws -> [String] {
        let text = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let column = try #require(lines.first?.firstIndex(of: "seconds"))
        return lines.map { row in row.enumerated().filter { $0.offset != column }.map(\.element).joined(separator: ",") }
    }

    /// Rows written to the staging folder's metrics.csv so far (the header excluded).
    func completedEpochs(_ staging: URL) -> Int {
        guard let text = try? String(contentsOf: staging.appendingPathComponent("metrics.csv"), encoding: .utf8) else { return 0 }
        return max(text.split(separator: "\n").count - 1, 0)
    }

    @Test("killed after 0, 1, 7 and 16 epochs, resumed: weights, head and metrics (but seconds) identical",
          arguments: ["resnet-adam", "resnet-sgd", "node-adam"])
    func resumedRunIsBitIdentical(_ variant: String) throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let full = dir.appendingPathComponent("full")
        let reference = try ResodeProcess.run(arguments(variant, out: full))
        #expect(reference.status == 0, "\(reference.standardError)")
        var killedAt: [Int] = []
        for point in [0, 1, 7, 16] {
            let out = dir.appendingPathComponent("killed-\(point)")
            let staging = dir.appendingPathComponent(".killed-\(point).resode-partial")
            let process = try ResodeProcess.start(arguments(variant, out: out))
            let deadline = Date().addingTimeInterval(120)
            // Point 0: as soon as the run has recorded its options, before any checkpoint.
            while Date() < deadline, process.isRunning {
                if point == 0 ? FileManager.default.fileExists(atPath: staging.appendingPathComponent("run.json").path)
                              : completedEpochs(staging) >= point { break }
                usleep(2_000)
            }
            #expect(process.isRunning, "the run ended before the kill point \(point)")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            killedAt.append(completedEpochs(staging))
            #expect(!FileManager.default.fileExists(atPath: out.path), "a killed run must not leave the output folder")
            // A fresh run into the same folder refuses to discard a checkpoint (the kill may
            // have landed after an epoch's metrics row but before its checkpoint).
            if FileManager.default.fileExists(atPath: staging.appendingPathComponent("checkpoint.npz").path) {
                let refused = try ResodeProcess.run(arguments(variant, out: out))
                #expect(refused.status != 0 && refused.standardError.contains("--resume"), "\(refused.standardError)")
            }
            let extra = try ResodeProcess.run(["train", "--resume", out.path, "--epochs", "50"])
            #expect(extra.status == 1 && extra.standardError.contains("takes no other options"), "\(extra.standardError)")
            let resumed = try ResodeProcess.run(["train", "--resume", out.path])
            #expect(resumed.status == 0, "\(resumed.standardError)")
            for file in ["weights.npz", "head.npz", "spec.json"] {
                let a = try Data(contentsOf: full.appendingPathComponent(file)), b = try Data(contentsOf: out.appendingPathComponent(file))
                #expect(a == b, "\(file) differs after a kill at epoch \(point)")
            }
            #expect(try metricsWithoutTime(full) == metricsWithoutTime(out), "metrics differ after a kill at epoch \(point)")
            #expect(try metricsWithoutTime(out).count == Self.epochs + 1)
            // run.json records the original arguments, not `--resume`.
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json"))) as? [String: Any]
            #expect(record?["arguments"] as? [String] == Array(arguments(variant, out: out).dropFirst()))
            #expect(!FileManager.default.fileExists(atPath: staging.path))
            #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("checkpoint.npz").path))
        }
        // The kills landed where intended (at or after each point, before the end).
        #expect(killedAt.allSatisfy { $0 < Self.epochs }, "\(killedAt)")
    }

    @Test("killed between the final renames (old run aside, new one still hidden): --resume only renames; eval never sees a mixture")
    func killedDuringCommit() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let finished = dir.appendingPathComponent("finished")
        let r = try ResodeProcess.run(["train", "--dataset", "moons", "--samples", "100", "--epochs", "2", "--out", finished.path])
        #expect(r.status == 0, "\(r.standardError)")
        // The state a kill after the first rename leaves: no `run`, the old run aside, the complete new run hidden.
        let out = dir.appendingPathComponent("run")
        let staging = dir.appendingPathComponent(".run.resode-partial")
        try FileManager.default.copyItem(at: finished, to: staging)
        try Data("4194305\n".utf8).write(to: staging.appendingPathComponent("owner"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".run.resode-old-4194305"), withIntermediateDirectories: true)
        let resumed = try ResodeProcess.run(["train", "--resume", out.path])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("was complete"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["finished", "run"])
        for file in try FileManager.default.contentsOfDirectory(atPath: finished.path) {
            #expect(try Data(contentsOf: finished.appendingPathComponent(file)) == Data(contentsOf: out.appendingPathComponent(file)), "\(file)")
        }
    }
}
