// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing

/// `--resume` on a run folder whose run.json does not parse names the parse problem
/// rather than a generic "does not record the run's arguments".
@Suite("Resuming from a corrupt run.json")
struct ResumeCorruptRecordTests {
    @Test("a truncated run.json: the error names the file and the parser's problem")
    func truncatedRecord() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let staging = dir.appendingPathComponent(".run.resode-partial")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try Data("4194305\n".utf8).write(to: staging.appendingPathComponent("owner"))
        try Data(#"{"arguments": ["train", "#.utf8).write(to: staging.appendingPathComponent("run.json"))
        let r = try ResodeProcess.run(["train", "--resume", dir.appendingPathComponent("run").path])
        #expect(r.status != 0)
        #expect(r.standardError.contains("cannot read"), "\(r.standardError)")
        #expect(r.standardError.contains("run.json"), "\(r.standardError)")
        #expect(!r.standardError.contains("does not record the run's arguments"), "\(r.standardError)")
    }
}
