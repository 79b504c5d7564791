// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Foundation
import Testing

@Suite("The measured section of a paper's README")
struct PaperReadmeTests {
    static let begin = PaperReadme.beginMarker, end = PaperReadme.endMarker

    @Test("the text between the markers is replaced and everything else kept byte for byte")
    func replaces() throws {
        let text = "# T\n\nintro\n\n\(Self.begin)\nold table\n\(Self.end)\n\nafter\n"
        let updated = try PaperReadme.replacingMeasuredSection(in: text, with: "new table\n", path: "R.md")
        #expect(updated == "# T\n\nintro\n\n\(Self.begin)\nnew table\n\(Self.end)\n\nafter\n")
        // Idempotent.
        #expect(try PaperReadme.replacingMeasuredSection(in: updated, with: "new table", path: "R.md") == updated)
    }

    @Test("a README without markers gets a 'Last measured' section appended")
    func appends() throws {
        let updated = try PaperReadme.replacingMeasuredSection(in: "# T\n", with: "x", path: "R.md")
        #expect(updated == "# T\n\n## Last measured\n\n\(Self.begin)\nx\n\(Self.end)\n")
    }

    @Test("one marker alone, a repeated marker, or the end before the begin is a typed error naming the file")
    func malformed() {
        for text in ["\(Self.begin)\n", "\(Self.end)\n\(Self.begin)\n", "\(Self.begin)\(Self.end)\(Self.begin)\(Self.end)"] {
            #expect(throws: ExperimentError.self) { try PaperReadme.replacingMeasuredSection(in: text, with: "x", path: "R.md") }
        }
        do {
            _ = try PaperReadme.replacingMeasuredSection(in: Self.begin, with: "x", path: "Papers/p/README.md")
            Issue.record("a lone begin marker was accepted")
        } catch {
            #expect("\(error)".hasPrefix("Papers/p/README.md: expected one"))
        }
    }

    @Test("update writes the date, profile, tables and verdict into Papers/<id>/README.md; a missing README is an error")
    func update() throws {
        let papers = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: papers) }
        let result = try StubPaper().run(profile: .quick) { _ in }
        #expect(throws: ExperimentError.self) { try PaperReadme.update(with: result, in: papers, date: Date()) }
        let folder = papers.appendingPathComponent("stub-paper")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("# Stub\n\n\(Self.begin)\n\(Self.end)\n".utf8).write(to: folder.appendingPathComponent("README.md"))
        let url = try PaperReadme.update(with: result, in: papers, date: Date(timeIntervalSince1970: 0))
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("_Measured 1970-01-01 00:00 UTC with `resode paper stub-paper --quick` (0.50 s)._"))
        #expect(text.contains("| a | b | \\|a + b\\| |") && text.contains("**Verdict: ✔ reproduced.** 1 + 1 = 2 exactly."))
        #expect(text.hasPrefix("# Stub\n\n\(Self.begin)\n") && text.hasSuffix("\(Self.end)\n"))
    }
}
