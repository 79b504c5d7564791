// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NumPyIO

/// What `ReportWriter.write` put on disk.
public struct WrittenReport: Sendable, Equatable {
    /// `DIR/index.md`.
    public let index: URL
    /// Every file written, `index.md` and `results.json` included (names relative to the folder).
    public let files: [String]
    /// One line per figure gnuplot could not render (empty when all rendered or gnuplot is absent).
    public let renderingProblems: [String]
}

/// Writes a report folder for a list of reproductions:
///
///     DIR/index.md                      title, date, machine, summary table (✔/✘ and the deciding
///                                       numbers), then per paper: claim, source, tables, figures, verdict
///     DIR/results.json                  verdicts and deciding numbers, machine-readable (`ResultsJSON`)
///     DIR/<id>-<figure>.csv             the data of every figure (one header line)
///     DIR/<id>-<figure>.gp              its gnuplot script (`gnuplot <id>-<figure>.gp` in DIR)
///     DIR/<id>-<figure>.png, .svg       rendered when gnuplot is on PATH
///
/// Every text file is written atomically (`AtomicFileWriter`); images are rendered to hidden
/// temporary names and renamed into place. Without gnuplot, index.md says how to render.
public struct ReportWriter: Sendable {
    /// The report folder (created if missing).
    public var directory: URL
    /// The renderer, or `nil` to write data and scripts only.
    public var gnuplot: Gnuplot?
    /// The most seconds one gnuplot run may take.
    public var renderTimeout: Double
    /// The report's title (its first heading).
    public var title: String
    /// The machine described in the report.
    public var machine: MachineSummary

    /// - Parameters:
    ///   - directory: the report folder.
    ///   - gnuplot: `Gnuplot.locate()` by default.
    ///   - renderTimeout: seconds per figure.
    ///   - title: the report's heading.
    ///   - machine: the machine described in the report's header.
    public init(directory: URL, gnuplot: Gnuplot? = Gnuplot.locate(), renderTimeout: Double = 60,
                title: String = "ResODE: reproduced claims", machine: MachineSummary = .current) {
        self.directory = directory
        self.gnuplot = gnuplot
        self.renderTimeout = renderTimeout
        self.title = title
        self.machine = machine
    }

    /// Writes index.md and every figure's files for `entries`.
    /// - Parameters:
    ///   - entries: the papers' results, in report order.
    ///   - command: the command line that produced the entries, quoted in the header.
    ///   - date: the date written into the header.
    /// - Throws: `ExperimentError.invalidArgument` for two figures of one paper with one file stem,
    ///   file-system errors. A figure gnuplot cannot render is reported in index.md, not thrown.
    public func write(_ entries: [ReportEntry], command: String, date: Date = Date()) throws -> WrittenReport {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var files: [String] = [], problems: [String] = []
        var sections: [String] = []
        for entry in entries {
            switch entry {
            case let .failure(failure):
                sections.append(failureSection(failure))
            case let .result(result):
                var figureBlocks: [String] = []
                var stems = Set<String>()
                for figure in result.figures {
                    let stem = figure.fileStem(paperID: result.id)
                    guard stems.insert(stem).inserted else {
                        throw ExperimentError.invalidArgument(name: "figure.name", value: figure.name,
                                                              reason: "paper '\(result.id)' has two figures with the file stem '\(stem)'")
                    }
                    try writeText(figure.csv, to: "\(stem).csv")
                    try writeText(figure.gnuplotScript(stem: stem), to: "\(stem).gp")
                    files += ["\(stem).csv", "\(stem).gp"]
                    var images: [String] = []
                    // Images of an earlier run would no longer match the data.
                    for stale in ["\(stem).png", "\(stem).svg"] {
                        let url = directory.appendingPathComponent(stale)
                        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
                    }
                    if let gnuplot {
                        do {
                            images = try gnuplot.render(stem: stem, in: directory, timeout: renderTimeout)
                            files += images
                        } catch {
                            problems.append("\(error)")
                        }
                    }
                    figureBlocks.append(figureMarkdown(figure, stem: stem, images: images))
                }
                sections.append(resultSection(result, figureBlocks: figureBlocks))
            }
        }
        let index = header(entries, command: command, date: date, problems: problems) + "\n\n"
            + sections.joined(separator: "\n\n---\n\n") + "\n"
        try AtomicFileWriter.write(try ResultsJSON.encode(entries), to: directory.appendingPathComponent("results.json"))
        try writeText(index, to: "index.md")
        files += ["results.json", "index.md"]
        return WrittenReport(index: directory.appendingPathComponent("index.md"), files: files, renderingProblems: problems)
    }

    func writeText(_ text: String, to name: String) throws {
        try AtomicFileWriter.write(Data(text.utf8), to: directory.appendingPathComponent(name))
    }

    func header(_ entries: [ReportEntry], command: String, date: Date, problems: [String]) -> String {
        var lines = ["# \(title)", "",
                     "Generated \(ReportDate.string(from: date)) by `\(command)`.", "",
                     "## Machine", "",
                     ResultTable(caption: "", columns: ["", ""], rows: machine.rows + [["gnuplot", gnuplotDescription]]).markdown,
                     "", "## Summary", ""]
        var rows: [[String]] = []
        var reproduced = 0, results = 0, failures = 0, seconds = 0.0
        for entry in entries {
            switch entry {
            case let .result(r):
                results += 1
                if r.verdict.reproduced { reproduced += 1 }
                seconds += r.seconds
                rows.append(["[\(r.id)](#\(r.id)): \(r.title)", r.verdict.label, r.verdict.summary, r.profile.rawValue,
                             NumberFormat.significant(r.seconds, digits: 2) + " s"])
            case let .failure(f):
                failures += 1
                seconds += f.seconds
                rows.append(["[\(f.id)](#\(f.id)): \(f.title)", "error", f.message, "", NumberFormat.significant(f.seconds, digits: 2) + " s"])
            }
        }
        lines.append(ResultTable(caption: "", columns: ["Paper", "Verdict", "Deciding numbers", "Profile", "Time"], rows: rows).markdown)
        lines.append("")
        var tally = "\(reproduced) of \(results) claims reproduced"
        if failures > 0 { tally += "; \(failures) run\(failures == 1 ? "" : "s") failed with an error" }
        lines.append(tally + " (total \(NumberFormat.significant(seconds, digits: 3)) s).")
        if gnuplot == nil {
            lines += ["", "> gnuplot was not found on PATH, so the figures are data and scripts only. Install it "
                      + "(e.g. `apt-get install gnuplot-nox`) and render each figure in this folder with `gnuplot <file>.gp`, "
                      + "which writes `<file>.png` and `<file>.svg`."]
        }
        if !problems.isEmpty {
            lines += ["", "> Figures gnuplot could not render (their data and scripts are here):"]
            lines += problems.map { "> - \(MarkdownText.cell($0))" }
        }
        return lines.joined(separator: "\n")
    }

    var gnuplotDescription: String {
        guard let gnuplot else { return "not found (figures not rendered)" }
        let terminals = [gnuplot.pngTerminal, gnuplot.supportsSVG ? "svg" : nil].compactMap { $0 }
        return "\(gnuplot.executable) (\(terminals.isEmpty ? "no png/svg terminal" : terminals.joined(separator: ", ")))"
    }

    func resultSection(_ r: PaperResult, figureBlocks: [String]) -> String {
        var parts = ["<a id=\"\(r.id)\"></a>", "## \(r.id): \(r.title)", "",
                     "**Claim.** \(r.claim)", "", "**Source.** \(r.source)", "",
                     "_Profile \(r.profile.rawValue), \(NumberFormat.significant(r.seconds, digits: 2)) s._"]
        for table in r.tables { parts += ["", table.markdown] }
        if !figureBlocks.isEmpty { parts += ["", "### Figures", ""] + figureBlocks }
        parts += ["", "**Verdict: \(r.verdict.label).** \(r.verdict.summary)"]
        return parts.joined(separator: "\n")
    }

    func failureSection(_ f: PaperFailure) -> String {
        ["<a id=\"\(f.id)\"></a>", "## \(f.id): \(f.title)", "", "**Error** after \(NumberFormat.significant(f.seconds, digits: 2)) s: `\(f.message)`"]
            .joined(separator: "\n")
    }

    func figureMarkdown(_ figure: Figure, stem: String, images: [String]) -> String {
        var links = ["data [\(stem).csv](\(stem).csv)", "script [\(stem).gp](\(stem).gp)"]
        if images.contains("\(stem).svg") { links.append("vector [\(stem).svg](\(stem).svg)") }
        let picture = images.contains("\(stem).png") ? "![\(figure.title)](\(stem).png)\n\n" : ""
        return "**\(figure.title)**\n\n" + picture + links.joined(separator: " · ") + "\n"
    }
}
