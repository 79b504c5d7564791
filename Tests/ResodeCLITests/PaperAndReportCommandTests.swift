// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing

@Suite("resode paper and resode report")
struct PaperAndReportCommandTests {
    @Test("resode paper <id> --quick prints the verdict; an unknown id fails and lists the known ones")
    func paperCommand() throws {
        let ok = try ResodeProcess.run(["paper", "seed-saddle", "--quick"])
        #expect(ok.status == 0, "\(ok.standardError)")
        #expect(ok.standardOutput.contains("seed-saddle"))
        let bad = try ResodeProcess.run(["paper", "no-such-paper"])
        #expect(bad.status != 0)
        #expect(bad.standardError.contains("no-such-paper") && bad.standardError.contains("seed-gradient-highway"))
    }

    @Test("resode report writes index.md with the verdict, the figure data and scripts")
    func reportCommand() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try ResodeProcess.run(["report", "--quick", "--out", dir.path, "--only", "euler-convergence"])
        #expect(r.status == 0, "\(r.standardError)")
        let index = try String(contentsOf: dir.appendingPathComponent("index.md"), encoding: .utf8)
        #expect(index.contains("euler-convergence"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(files.contains { $0.hasSuffix(".csv") } && files.contains { $0.hasSuffix(".gp") })
    }
}
