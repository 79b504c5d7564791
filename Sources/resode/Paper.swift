// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import Foundation
import ResODE

/// How much work a reproduction does, as command-line flags `--quick` / `--full`.
enum ProfileFlag: String, EnumerableFlag {
    case quick, full

    var profile: Profile { self == .quick ? .quick : .full }

    static func help(for value: ProfileFlag) -> ArgumentHelp? {
        value == .quick ? "Small models, seconds." : "Paper scale, as far as this machine and our data allow."
    }
}

/// `resode paper <id>`: runs one reproduction and prints its tables and verdict.
struct PaperCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paper",
        abstract: "Run one paper's reproduction; print its tables and verdict.",
        discussion: "Known papers: \(PaperRegistry.ids.joined(separator: ", ")).")

    @Argument(help: "The paper's id (its folder under Papers/).") var id: String
    @Flag var profile: ProfileFlag = .quick
    @Option(help: "Write the figures (CSV, gnuplot script, PNG/SVG) and an index.md to this folder.") var out: String?
    @Flag(help: "Rewrite the 'Last measured' section of Papers/<id>/README.md.") var updateReadme = false
    @Option(help: "The folder holding the papers' READMEs.") var papersDir = "Papers"

    func run() throws {
        let paper = try withContext("paper") { try PaperRegistry.paper(id: id) }
        // Fail before the run, not after it, when the README cannot be updated.
        if updateReadme { try requireReadme(of: paper.id, in: papersDir) }
        let start = Date()
        let result = try paper.run(profile: profile.profile) { stage in
            printProgress("\(paper.id): \(stage) (\(String(format: "%.1f", Date().timeIntervalSince(start))) s)")
        }
        print("# \(result.id): \(result.title)\n")
        print(result.tablesAndVerdictMarkdown)
        if let out {
            let written = try ReportWriter(directory: URL(fileURLWithPath: out))
                .write([.result(result)], command: "resode paper \(id) --\(profile.rawValue)")
            for problem in written.renderingProblems { printProgress("warning: \(problem)") }
            print("\nFigures and index: \(written.index.path)")
        }
        if updateReadme {
            let url = try PaperReadme.update(with: result, in: URL(fileURLWithPath: papersDir), date: Date())
            print("Updated \(url.path)")
        }
    }
}

/// Throws unless `Papers/<id>/README.md` exists under `papersDirectory`.
func requireReadme(of id: String, in papersDirectory: String) throws {
    let url = PaperReadme.location(of: id, in: URL(fileURLWithPath: papersDirectory))
    guard FileManager.default.fileExists(atPath: url.path) else {
        throw ExperimentError.missingFile(path: url.path, hint: "run from the repository root or pass --papers-dir")
    }
}

/// One line on standard error (progress and warnings, kept out of the printed tables).
func printProgress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
