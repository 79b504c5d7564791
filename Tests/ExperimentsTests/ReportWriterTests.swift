// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Foundation
import Testing

@Suite("The report folder: index.md, results.json, figure data, scripts and images")
struct ReportWriterTests {
    static let date = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14 22:13 UTC
    static let machine = MachineSummary(gslVersion: "2.7.1", blas: "OpenBLAS test", processorCount: 2, operatingSystem: "Linux")

    func contents(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    @Test("without gnuplot: index.md has the summary, sections, failure and render instructions; CSV and script are written")
    func dataAndScriptsOnly() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try StubPaper().run(profile: .quick) { _ in }
        let failure = PaperFailure(id: "broken", title: "Broken", message: "argument 'x' = 1: bad", seconds: 0.25)
        let writer = ReportWriter(directory: directory, gnuplot: nil, machine: Self.machine)
        let written = try writer.write([.result(result), .failure(failure)], command: "resode report --quick --out X", date: Self.date)

        #expect(Set(written.files) == ["stub-paper-line.csv", "stub-paper-line.gp", "results.json", "index.md"])
        #expect(written.renderingProblems.isEmpty)
        let index = try contents(written.index)
        #expect(index.hasPrefix("# ResODE: reproduced claims\n\nGenerated 2023-11-14 22:13 UTC by `resode report --quick --out X`."))
        #expect(index.contains("| GSL | 2.7.1 |"))
        #expect(index.contains("| [stub-paper](#stub-paper): A stub \\| with a pipe | ✔ reproduced | 1 + 1 = 2 exactly. | quick | 0.50 s |"))
        #expect(index.contains("| [broken](#broken): Broken | error | argument 'x' = 1: bad |  | 0.25 s |"))
        #expect(index.contains("1 of 1 claims reproduced; 1 run failed with an error"))
        #expect(index.contains("gnuplot <file>.gp"))
        #expect(index.contains("| a | b | \\|a + b\\| |"))
        #expect(index.contains("**Verdict: ✔ reproduced.** 1 + 1 = 2 exactly."))
        #expect(index.contains("data [stub-paper-line.csv](stub-paper-line.csv)"))
        #expect(!index.contains("![y = x²]"))
        #expect(try contents(directory.appendingPathComponent("stub-paper-line.csv")) == "x,y\n1.0,1.0\n2.0,4.0\n3.0,NaN\n")
        let script = try contents(directory.appendingPathComponent("stub-paper-line.gp"))
        #expect(script.contains("if (!exists(\"DATA\")) DATA = 'stub-paper-line.csv'"))
        #expect(script.contains("set output PNG") && script.contains("set output SVG"))
        #expect(script.components(separatedBy: "plot DATA using 1:2 with linespoints title 'y'").count == 3)
        #expect(script.contains("TITLE = 'y = x²'") && script.contains("set title TITLE"))
    }

    @Test("results.json lists verdicts, numbers (non-finite as strings) and errors")
    func resultsJSON() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try StubPaper().run(profile: .full) { _ in }
        _ = try ReportWriter(directory: directory, gnuplot: nil, machine: Self.machine)
            .write([.result(result), .failure(PaperFailure(id: "broken", title: "Broken", message: "boom", seconds: 1))],
                   command: "test", date: Self.date)
        let data = try Data(contentsOf: directory.appendingPathComponent("results.json"))
        let list = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(list.count == 2)
        #expect(list[0]["id"] as? String == "stub-paper" && list[0]["reproduced"] as? Bool == true && list[0]["profile"] as? String == "full")
        let numbers = try #require(list[0]["numbers"] as? [String: Any])
        #expect(numbers["sum"] as? Double == 2 && numbers["infinite"] as? String == "inf")
        #expect(list[1]["error"] as? String == "boom" && list[1]["reproduced"] is NSNull)
    }

    @Test("with gnuplot on PATH every figure is rendered to a PNG and an SVG, linked from index.md")
    func rendersImages() throws {
        guard let gnuplot = Gnuplot.locate() else {
            Issue.record("gnuplot is not on PATH; install gnuplot-nox to test rendering")
            return
        }
        #expect(gnuplot.pngTerminal != nil && gnuplot.supportsSVG)
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try StubPaper().run(profile: .quick) { _ in }
        let written = try ReportWriter(directory: directory, gnuplot: gnuplot, machine: Self.machine)
            .write([.result(result)], command: "test", date: Self.date)
        #expect(written.renderingProblems.isEmpty)
        let png = try Data(contentsOf: directory.appendingPathComponent("stub-paper-line.png"))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(try contents(directory.appendingPathComponent("stub-paper-line.svg")).contains("<svg"))
        let index = try contents(written.index)
        #expect(index.contains("![y = x²](stub-paper-line.png)") && index.contains("(stub-paper-line.svg)"))
        // No temporary files are left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(!names.contains { $0.hasPrefix(".") })
    }

    @Test("a script that fails or runs past the time limit is reported in index.md, not thrown; stale images are removed")
    func renderingProblems() throws {
        guard let gnuplot = Gnuplot.locate() else {
            Issue.record("gnuplot is not on PATH; install gnuplot-nox to test rendering")
            return
        }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("old".utf8).write(to: directory.appendingPathComponent("stub-paper-slow.png"))
        var paper = StubPaper()
        paper.figures = [Figure(name: "slow", title: "slow", columns: ["x"], rows: [[1]], gnuplot: "pause 30"),
                         Figure(name: "bad", title: "bad", columns: ["x"], rows: [[1]], gnuplot: "plot DATA using 1:2:3:4:5:6:7 with nonsense")]
        let result = try paper.run(profile: .quick) { _ in }
        let written = try ReportWriter(directory: directory, gnuplot: gnuplot, renderTimeout: 1, machine: Self.machine)
            .write([.result(result)], command: "test", date: Self.date)
        #expect(written.renderingProblems.count == 2)
        #expect(written.renderingProblems[0].contains("stub-paper-slow.gp") && written.renderingProblems[0].contains("terminated"))
        #expect(written.renderingProblems[1].contains("stub-paper-bad.gp"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("stub-paper-slow.png").path))
        #expect(try contents(written.index).contains("Figures gnuplot could not render"))
    }

    @Test("two figures of one paper with the same file stem are a typed error")
    func duplicateStems() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var paper = StubPaper()
        paper.figures = [StubPaper.lineFigure, StubPaper.lineFigure]
        let result = try paper.run(profile: .quick) { _ in }
        #expect(throws: ExperimentError.self) {
            try ReportWriter(directory: directory, gnuplot: nil, machine: Self.machine).write([.result(result)], command: "test")
        }
    }

    @Test("file stems keep letters, digits, '-' and '_' and replace anything else")
    func fileStems() {
        let figure = Figure(name: "a b/c_d", title: "", columns: [], rows: [], gnuplot: "")
        #expect(figure.fileStem(paperID: "p-1") == "p-1-a-b-c_d")
    }
}
