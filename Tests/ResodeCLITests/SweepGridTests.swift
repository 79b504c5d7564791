// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing

/// `resode sweep` in one process (no launcher): grid expansion, records, resume, bad grids.
/// The multi-rank behaviour is tested by Tests/mpi/run.sh through scripts/mpirun.sh.
@Suite("resode sweep (single process)")
struct SweepCommandTests {
    @Test("Axes expand in sorted name order, the last fastest; a rerun records nothing new and rewrites the same results")
    func expandsAndResumes() throws {
        let directory = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let grid = directory.appendingPathComponent("grid.json")
        try Data("""
            {"runs": [{"command": "train", "options": {"dataset": "moons", "samples": 40, "epochs": 1, "hidden": 4},
                       "axes": {"seed": [1, 2], "depth": [1, 2]}}]}
            """.utf8).write(to: grid)
        let out = directory.appendingPathComponent("sweep")
        let first = try ResodeProcess.run(["sweep", "--grid", grid.path, "--out", out.path])
        #expect(first.status == 0, "\(first.standardError)")
        let results = try String(contentsOf: out.appendingPathComponent("results.jsonl"), encoding: .utf8)
        let lines = results.split(separator: "\n")
        #expect(lines.count == 4)
        let expected = [("1", "1"), ("1", "2"), ("2", "1"), ("2", "2")]  // (depth, seed): depth sorts first
        for (line, (depth, seed)) in zip(lines, expected) {
            #expect(line.contains("\"--depth=\(depth)\"") && line.contains("\"--seed=\(seed)\""), "\(line)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("runs").path)
            .filter { $0.hasSuffix(".json") }.count == 4)
        let second = try ResodeProcess.run(["sweep", "--grid", grid.path, "--out", out.path])
        #expect(second.status == 0)
        #expect(second.standardError.contains("4 runs, 4 already recorded"))
        #expect(try String(contentsOf: out.appendingPathComponent("results.jsonl"), encoding: .utf8) == results)
        let csv = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("index,key,command,arguments,status,error,") && !csv.contains("seconds"))
    }

    @Test("Bad grids are rejected before any run, naming the template and the field", arguments: [
        (#"{"runs": []}"#, "no runs"),
        (#"{"runs": [{"command": "fly"}]}"#, "unknown command 'fly'"),
        (#"{"runs": [{"command": "train", "options": {"dataset": "moons"}, "axes": {"depth": []}}]}"#, "axis 'depth' has no values"),
        (#"{"runs": [{"command": "train", "options": {"dataset": "moons", "out": "x"}}]}"#, "'out' is set by the sweep"),
        (#"{"runs": [{"command": "train", "options": {"dataset": "moons", "depth": 2}, "axes": {"depth": [1]}}]}"#, "both an option and an axis"),
        (#"{"runs": [{"command": "train", "options": {"dataset": "moons", "depth": "deep"}}]}"#, "depth"),
        (#"{"runs": [{"command": "paper", "options": {"id": "no-such-paper"}}]}"#, "no-such-paper"),
        (#"not json"#, "not a grid file"),
    ])
    func rejectsBadGrids(grid: String, message: String) throws {
        let directory = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("grid.json")
        try Data(grid.utf8).write(to: url)
        let r = try ResodeProcess.run(["sweep", "--grid", url.path, "--out", directory.appendingPathComponent("out").path])
        #expect(r.status != 0)
        #expect(r.standardError.contains(message), "\(r.standardError)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/results.jsonl").path))
    }
}
