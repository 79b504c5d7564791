// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NumPyIO
import Testing
import TensorCore

/// The cases of issue 12 that concern the CLI: each ends in under 10 s with exit status 1
/// and one line naming the problem, and changes no output.
@Suite("resode refuses hostile input with one typed line, in bounded time, changing nothing")
struct HostileInputTests {
    static func fixture(_ name: String, _ file: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/\(name)/\(file)", withExtension: nil)
            ?? Bundle.module.bundleURL.appendingPathComponent("Fixtures/\(name)/\(file)")
    }

    /// Asserts a failed run: status 1, one line on standard error holding every needle, within 10 s.
    func expectRefusal(_ r: ResodeProcess.Result, _ needles: [String], _ label: String) {
        let message = r.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(r.status == 1, "\(label): status \(r.status), \(message)")
        #expect(r.seconds < 10, "\(label): took \(r.seconds) s")
        #expect(message.split(separator: "\n").count == 1, "\(label): \(message)")
        for needle in needles { #expect(message.contains(needle), "\(label): expected '\(needle)' in: \(message)") }
        // The largest resident set of any child process this test process has waited for (KiB on Linux):
        // no refused case, nor any other run of the suite, reached 1 GB.
        var usage = rusage()
        #expect(getrusage(RUSAGE_CHILDREN.rawValue, &usage) == 0)
        #expect(usage.ru_maxrss < 1_000_000, "\(label): a child process reached \(usage.ru_maxrss) KiB")
    }

    static let trainCases: [(arguments: [String], needles: [String])] = [
        (["--depth", "1000000000"], ["--depth 1000000000", "evaluations", "--max-evaluations"]),
        (["--depth", "1000000000", "--tied"], ["--depth 1000000000", "--max-evaluations"]),
        (["--hidden", "1000000000"], ["parameters", "--max-memory"]),
        (["--dataset", "spheres", "--sphere-dimension", "1000000"], ["dataset", "1000000 features", "--max-memory"]),
        (["--samples", "1000000000000"], ["--samples", "4…2147483647"]),
        (["--samples", "2000000000"], ["dataset", "2000000000 samples", "--max-memory"]),
        (["--hidden", "100000", "--dim", "100000"], ["parameters", "--max-memory"]),
        (["--model", "node", "--solver", "euler", "--steps", "1000000000"], ["--steps 1000000000", "--max-evaluations"]),
        (["--epochs", "1000000000000"], ["--epochs", "0…100000"]),
        (["--lr", "-1"], ["--lr", "[0, ∞)", "-1"]),
        (["--lr=-1"], ["--lr", "[0, ∞)"]),
        (["--weight-decay=-1"], ["--weight-decay", "[0, ∞)"]),
        (["--weight-decay", "-1"], ["--weight-decay", "[0, ∞)"]),
        (["--momentum", "1"], ["--momentum", "[0, 1)"]),
        (["--test-fraction", "1"], ["--test-fraction", "(0, 1)"]),
        (["--batch-size", "0"], ["--batch-size", "1…"]),
        (["--rtol", "nan", "--model", "node"], ["--rtol", "finite"]),
        (["--h", "-0.5"], ["--h", "(0, ∞)"]),
        (["--dataset", "digits", "--dim", "16"], ["--dim 16", "--embedding linear"]),
        (["--checkpoint-every", "0"], ["--checkpoint-every"]),
        (["--max-memory", "64M", "--samples", "4000000"], ["dataset", "64.0 MiB"]),
    ]

    @Test("train: every bad option or oversized request is refused before any folder is created", arguments: 0..<trainCases.count)
    func trainRefusals(_ index: Int) throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (arguments, needles) = Self.trainCases[index]
        let out = dir.appendingPathComponent("run")
        let r = try ResodeProcess.run(["train", "--dataset", "moons", "--epochs", "1"] + arguments + ["--out", out.path], timeout: 30)
        expectRefusal(r, needles, arguments.joined(separator: " "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "\(arguments): left files behind")
    }

    @Test("train: negative numbers are accepted after a space where the option allows them (--t1 -1)")
    func negativeAfterSpace() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try ResodeProcess.run(["train", "--dataset", "moons", "--samples", "100", "--model", "node", "--solver", "rk4-fixed",
                                       "--steps", "4", "--t1", "-1", "--epochs", "1", "--out", dir.appendingPathComponent("run").path])
        #expect(r.status == 0, "\(r.standardError)")
        let spec = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("run/spec.json"))) as? [String: Any]
        #expect(spec?["t1"] as? Double == -1)
    }

    @Test("train --dataset digits works with its defaults (state width 64 with zero padding)")
    func digitsDefaults() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run")
        let r = try ResodeProcess.run(["train", "--dataset", "digits", "--epochs", "1", "--depth", "2", "--out", out.path])
        #expect(r.status == 0, "\(r.standardError)")
        let record = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json"))) as? [String: Any])
        #expect(record["state_width"] as? Int == 64)
    }

    @Test("run.json records every option, the split, the version and the commit; --out holding a run needs --overwrite")
    func runRecordAndOverwrite() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run")
        let args = ["train", "--dataset", "moons", "--samples", "200", "--epochs", "1", "--lr", "0.02", "--out", out.path]
        #expect(try ResodeProcess.run(args).status == 0)
        let record = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json"))) as? [String: Any])
        let options = try #require(record["options"] as? [String: Any])
        for key in ["lr", "optimizer", "schedule", "batch_size", "samples", "noise", "weight_decay", "momentum", "test_fraction",
                    "seed", "epochs", "depth", "hidden", "dim", "activation", "scheme", "solver", "clip", "max_memory_bytes"] {
            #expect(options[key] != nil, "run.json lacks '\(key)'")
        }
        #expect(options["lr"] as? Double == 0.02)
        let split = try #require(record["split"] as? [String: Any])
        #expect(split["train"] as? Int == 150 && split["test"] as? Int == 50)
        #expect(record["resode_version"] is String)
        let commit = try #require(record["git_commit"] as? String)
        #expect(commit == "unknown" || commit.count == 40)
        let before = try Data(contentsOf: out.appendingPathComponent("weights.npz"))
        expectRefusal(try ResodeProcess.run(args + ["--seed", "9"]), ["--overwrite"], "second run")
        #expect(try Data(contentsOf: out.appendingPathComponent("weights.npz")) == before)
        #expect(try ResodeProcess.run(args + ["--seed", "9", "--overwrite"]).status == 0)
        #expect(try Data(contentsOf: out.appendingPathComponent("weights.npz")) != before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["run"], "temporary folders left behind")
    }
}

@Suite("resode removes what killed runs left behind")
struct StaleFileTests {
    /// A pid that no process has: above the kernel's pid_max.
    static let deadPid = 4_194_305

    @Test("eval removes a dead run's .resode-tmp file beside its output and keeps a live one's")
    func evalCleansStaleTemporaries() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let stale = dir.appendingPathComponent(".Y.npy.resode-tmp-\(Self.deadPid)")
        let live = dir.appendingPathComponent(".Y.npy.resode-tmp-1")  // pid 1 is alive, but is not resode: treated as stale
        let mine = dir.appendingPathComponent(".Y.npy.resode-tmp-\(getpid())")  // the test process: alive, not resode
        for url in [stale, live, mine] { try Data("partial".utf8).write(to: url) }
        let f = { HostileInputTests.fixture("resnet-euler-tanh", $0).path }
        let r = try ResodeProcess.run(["eval", "--spec", f("spec.json"), "--weights", f("weights.npz"), "--input", f("input.npy"),
                                       "--output", dir.appendingPathComponent("Y.npy").path])
        #expect(r.status == 0, "\(r.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["Y.npy"])
    }

    @Test("train replaces a dead run's staging folder that holds no checkpoint, and its stray .tmp files never reach the run")
    func trainCleansStaleStaging() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let staging = dir.appendingPathComponent(".run.resode-partial")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try Data("\(Self.deadPid)\n".utf8).write(to: staging.appendingPathComponent("owner"))
        try Data("x".utf8).write(to: staging.appendingPathComponent(".weights.npz.1234.tmp"))
        try Data("old".utf8).write(to: dir.appendingPathComponent(".run.resode-old-\(Self.deadPid)"))
        let out = dir.appendingPathComponent("run")
        let r = try ResodeProcess.run(["train", "--dataset", "moons", "--samples", "100", "--epochs", "1", "--out", out.path])
        #expect(r.status == 0, "\(r.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["run"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).allSatisfy { !$0.hasPrefix(".") })
    }
}
