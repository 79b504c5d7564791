// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Foundation
import Testing
@testable import resode

/// The CLI's few deliberate fallbacks (`// why:` in the sources) do what their comments say,
/// and the places that used to fall back silently now throw, naming the file.
@Suite("CLI fallbacks and the errors that replaced them")
struct DocumentedFallbackTests {
    @Test("a live process whose name cannot be read is taken for a resode (its files are kept); a readable name decides")
    func unreadableProcessName() {
        #expect(TemporaryNames.isAlive(getpid(), processTable: "/nonexistent-process-table"))
        // The test runner is alive but is not a resode.
        #expect(!TemporaryNames.isAlive(getpid()))
    }

    @Test("a resode that has exited but is not yet reaped (a zombie) is not alive; a sleeping one is; another program is not")
    func zombieIsNotAlive() throws {
        let table = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: table) }
        let entry = table.appendingPathComponent("\(getpid())")
        try FileManager.default.createDirectory(at: entry, withIntermediateDirectories: true)
        func status(_ text: String) throws { try Data(text.utf8).write(to: entry.appendingPathComponent("status")) }
        try status("Name:\tresode\nUmask:\t0022\nState:\tZ (zombie)\n")
        #expect(!TemporaryNames.isAlive(getpid(), processTable: table.path))
        try status("Name:\tresode\nUmask:\t0022\nState:\tS (sleeping)\n")
        #expect(TemporaryNames.isAlive(getpid(), processTable: table.path))
        try status("Name:\tpython3\nState:\tS (sleeping)\n")
        #expect(!TemporaryNames.isAlive(getpid(), processTable: table.path))
    }

    @Test("report hand-out order: a corrupt or missing previous report gives registry order, a valid one longest first")
    func handOutOrderFallback() throws {
        let papers = Array(PaperRegistry.all.prefix(3))
        let directory = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let previous = directory.appendingPathComponent("results.json")
        #expect(DistributedReport.handOutOrder(papers, previous: previous) == [0, 1, 2])
        try Data("[{\"id\": ".utf8).write(to: previous)
        #expect(DistributedReport.handOutOrder(papers, previous: previous) == [0, 1, 2])
        let seconds = [papers[0].id: 1.0, papers[1].id: 5.0, papers[2].id: 3.0]
        let valid = try JSONSerialization.data(withJSONObject: seconds.map { ["id": $0.key, "seconds": $0.value] })
        try valid.write(to: previous)
        #expect(DistributedReport.handOutOrder(papers, previous: previous) == [1, 2, 0])
    }

    @Test("a staging folder whose owner file holds no pid is not taken for stale: the error names the file")
    func garbledOwnerFile() throws {
        let directory = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let staging = RunFolder.staging(for: directory.appendingPathComponent("run"))
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        #expect(try RunFolder.owner(of: staging) == nil)
        try Data("not a pid\n".utf8).write(to: staging.appendingPathComponent(RunFolder.ownerFileName))
        let error = #expect(throws: CLIError.self) { try RunFolder.owner(of: staging) }
        #expect(error?.description.contains("owner") == true, "\(String(describing: error))")
        try Data("4194305\n".utf8).write(to: staging.appendingPathComponent(RunFolder.ownerFileName))
        #expect(try RunFolder.owner(of: staging) == 4_194_305)
    }

    @Test("a grid option value that is neither string, number nor boolean is rejected, naming the rule")
    func gridValueOfNoType() throws {
        let directory = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("grid.json")
        try Data(#"{"runs": [{"command": "train", "options": {"dataset": "moons"}, "axes": {"depth": [[1]]}}]}"#.utf8).write(to: url)
        let r = try ResodeProcess.run(["sweep", "--grid", url.path, "--out", directory.appendingPathComponent("out").path])
        #expect(r.status != 0)
        #expect(r.standardError.contains("string, number or boolean"), "\(r.standardError)")
    }

    @Test("a corrupt run record in a sweep folder: the sweep says so, runs it again and writes a valid record")
    func corruptSweepRecord() throws {
        let directory = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let grid = directory.appendingPathComponent("grid.json")
        try Data("""
            {"runs": [{"command": "train", "options": {"dataset": "moons", "samples": 40, "epochs": 1, "hidden": 4},
                       "axes": {"seed": [1, 2]}}]}
            """.utf8).write(to: grid)
        let out = directory.appendingPathComponent("sweep")
        let first = try ResodeProcess.run(["sweep", "--grid", grid.path, "--out", out.path])
        #expect(first.status == 0, "\(first.standardError)")
        let runs = out.appendingPathComponent("runs")
        let records = try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { $0.hasSuffix(".json") }.sorted()
        try #require(records.count == 2)
        let corrupt = runs.appendingPathComponent(records[0])
        let original = try Data(contentsOf: corrupt)
        try original.prefix(original.count / 2).write(to: corrupt)
        let second = try ResodeProcess.run(["sweep", "--grid", grid.path, "--out", out.path])
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardError.contains("2 runs, 1 already recorded"), "\(second.standardError)")
        #expect(second.standardError.contains(records[0]) && second.standardError.contains("cannot be read")
                && second.standardError.contains("runs again"), "\(second.standardError)")
        #expect(try JSONSerialization.jsonObject(with: try Data(contentsOf: corrupt)) is [String: Any])
        #expect(try String(contentsOf: out.appendingPathComponent("results.jsonl"), encoding: .utf8).split(separator: "\n").count == 2)
    }
}
