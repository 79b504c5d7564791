// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import Foundation
import MessagePassing
import ResODE

/// `resode report`: runs every registered reproduction and writes a report folder.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Run every paper's reproduction and write DIR/index.md with tables, figures and verdicts.",
        discussion: "A claim that is not reproduced is reported, not an error: the exit status is non-zero only "
            + "when a run throws or the report cannot be written.")

    @Flag var profile: ProfileFlag = .quick
    @Option(help: "The report folder.") var out: String
    @Flag(help: "Rewrite the 'Last measured' section of each paper's README.") var updateReadmes = false
    @Option(help: "The folder holding the papers' READMEs.") var papersDir = "Papers"
    @Option(parsing: .upToNextOption, help: "Run only these papers (ids), in this order.") var only: [String] = []

    func run() throws {
        let papers = try withContext("--only") { try PaperRegistry.papers(ids: only) }
        if updateReadmes { for paper in papers { try requireReadme(of: paper.id, in: papersDir) } }
        let start = Date()
        @Sendable func elapsed() -> String { String(format: "%.1f s", Date().timeIntervalSince(start)) }
        var entries: [ReportEntry] = []
        var failed = 0
        let world = try ProcessGroup.world()
        if world.size > 1 {  // the papers spread over the ranks; rank 0 writes the report
            let gathered = try world.endingJobOnError("resode report") {
                try DistributedReport.run(papers, profile: profile.profile, group: world,
                                          previous: URL(fileURLWithPath: out).appendingPathComponent("results.json"))
            }
            guard let gathered else { return }
            entries = gathered
            failed = entries.filter { if case .failure = $0 { return true } else { return false } }.count
            if updateReadmes {
                for case let .result(result) in entries {
                    printProgress("updated \(try PaperReadme.update(with: result, in: URL(fileURLWithPath: papersDir), date: Date()).path)")
                }
            }
        }
        for (i, paper) in papers.enumerated() where world.size == 1 {
            let prefix = "[\(i + 1)/\(papers.count)] \(paper.id)"
            printProgress("\(prefix): start (\(elapsed()))")
            let paperStart = Date()
            do {
                let result = try paper.run(profile: profile.profile) { stage in printProgress("\(prefix): \(stage) (\(elapsed()))") }
                entries.append(.result(result))
                printProgress("\(prefix): \(result.verdict.label) in \(String(format: "%.2f", result.seconds)) s (\(elapsed()))")
                if updateReadmes {
                    let url = try PaperReadme.update(with: result, in: URL(fileURLWithPath: papersDir), date: Date())
                    printProgress("\(prefix): updated \(url.path)")
                }
            } catch {
                failed += 1
                entries.append(.failure(PaperFailure(paper: paper, message: "\(error)", seconds: Date().timeIntervalSince(paperStart))))
                printProgress("\(prefix): error: \(error) (\(elapsed()))")
            }
        }
        printProgress("writing the report and rendering figures (\(elapsed()))")
        let command = "resode report --\(profile.rawValue) --out \(out)" + (only.isEmpty ? "" : " --only \(only.joined(separator: " "))")
        let written = try ReportWriter(directory: URL(fileURLWithPath: out)).write(entries, command: command)
        for problem in written.renderingProblems { printProgress("warning: \(problem)") }
        let reproduced = entries.filter { if case let .result(r) = $0 { return r.verdict.reproduced } else { return false } }.count
        print("\(reproduced) of \(entries.count - failed) claims reproduced\(failed > 0 ? ", \(failed) failed" : "") in \(elapsed()).")
        print("Report: \(written.index.path)")
        if failed > 0 { throw ExitCode.failure }
    }
}
