// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import MessagePassing
import ResODE

/// `resode report` over MPI ranks: the papers are handed out like sweep runs
/// (`WorkDistribution`), longest first when a previous report in the same folder gives
/// their seconds, each rank runs whole papers, and rank 0 receives each result
/// as JSON (`TransferredEntry`) and writes the report exactly as one process would: the
/// same entries in the same (registry) order. Only the seconds differ, as they do between
/// two single-process runs.
enum DistributedReport {
    /// Every paper's entry in `papers` order on rank 0; `nil` on the other ranks.
    /// - Parameter previous: a previous report's results.json, whose seconds set the hand-out order.
    static func run(_ papers: [any Paper], profile: Profile, group: ProcessGroup, previous: URL) throws -> [ReportEntry]? {
        let start = Date()
        var entries = [ReportEntry?](repeating: nil, count: papers.count)
        try WorkDistribution(group: group).execute(
            jobs: handOutOrder(papers, previous: previous),
            run: { index in
                let paper = papers[index]
                let prefix = "[\(index + 1)/\(papers.count)] \(paper.id) (rank \(group.rank))"
                printProgress("\(prefix): start")
                let paperStart = Date()
                let entry: TransferredEntry
                do {
                    let result = try paper.run(profile: profile) { stage in printProgress("\(prefix): \(stage)") }
                    entry = TransferredEntry(result)
                } catch {
                    entry = TransferredEntry(failure: "\(error)", seconds: Date().timeIntervalSince(paperStart))
                }
                return Array(try SweepRecord.encoder().encode(entry))
            },
            record: { index, rank, bytes in
                let entry = try SweepRecord.decoder().decode(TransferredEntry.self, from: Data(bytes))
                entries[index] = entry.reportEntry(for: papers[index], profile: profile)
                printProgress("[\(index + 1)/\(papers.count)] \(papers[index].id): "
                              + (entry.verdict.map { $0.reproduced ? "✔ reproduced" : "✘ not reproduced" } ?? "error: \(entry.failure ?? "")")
                              + " on rank \(rank) in \(String(format: "%.2f", entry.seconds)) s "
                              + "(\(String(format: "%.1f", Date().timeIntervalSince(start))) s)")
            },
            changed: { _ in })
        guard group.rank == 0 else { return nil }
        return try entries.enumerated().map { index, entry in
            guard let entry else { throw CLIError("report: no result for \(papers[index].id)") }
            return entry
        }
    }
}

extension DistributedReport {
    /// The papers' indices, longest first by the seconds a previous report recorded (papers it
    /// does not list first of all, then registry order): a long paper handed out last would
    /// leave the other ranks idle at the end. Without a readable previous report: registry order.
    /// The order of the report itself does not change.
    static func handOutOrder(_ papers: [any Paper], previous: URL) -> [Int] {
        // why: the order only balances the ranks' load; the report is the same in any order, so a
        // missing or unreadable previous report falls back to registry order (tested).
        guard let data = try? Data(contentsOf: previous),
              let list = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
            return Array(papers.indices)
        }
        var seconds: [String: Double] = [:]
        for entry in list {
            if let id = entry["id"] as? String, let s = entry["seconds"] as? Double { seconds[id] = s }
        }
        return papers.indices.sorted { a, b in
            let (sa, sb) = (seconds[papers[a].id] ?? .infinity, seconds[papers[b].id] ?? .infinity)
            return sa != sb ? sa > sb : a < b
        }
    }
}

/// A paper's result or failure as it travels from a rank to rank 0 (JSON; numbers round-trip exactly).
struct TransferredEntry: Codable {
    struct Table: Codable { let caption: String; let columns: [String]; let rows: [[String]] }
    struct Plot: Codable {
        let name: String; let title: String; let columns: [String]; let rows: [[Double]]; let gnuplot: String
        let width: Int; let height: Int
    }
    struct Outcome: Codable { let reproduced: Bool; let summary: String }

    var tables: [Table] = []
    var figures: [Plot] = []
    var verdict: Outcome?
    var numbers: [String: Double] = [:]
    var seconds: Double
    var failure: String?

    init(_ result: PaperResult) {
        tables = result.tables.map { Table(caption: $0.caption, columns: $0.columns, rows: $0.rows) }
        figures = result.figures.map {
            Plot(name: $0.name, title: $0.title, columns: $0.columns, rows: $0.rows, gnuplot: $0.gnuplot,
                 width: $0.size.width, height: $0.size.height)
        }
        verdict = Outcome(reproduced: result.verdict.reproduced, summary: result.verdict.summary)
        numbers = result.numbers
        seconds = result.seconds
    }

    init(failure: String, seconds: Double) {
        self.failure = failure
        self.seconds = seconds
    }

    func reportEntry(for paper: any Paper, profile: Profile) -> ReportEntry {
        guard let verdict else {
            return .failure(PaperFailure(paper: paper, message: failure ?? "unknown failure", seconds: seconds))
        }
        return .result(PaperResult(
            paper: paper, profile: profile,
            tables: tables.map { ResultTable(caption: $0.caption, columns: $0.columns, rows: $0.rows) },
            figures: figures.map {
                Figure(name: $0.name, title: $0.title, columns: $0.columns, rows: $0.rows, gnuplot: $0.gnuplot,
                       size: Figure.Size(width: $0.width, height: $0.height))
            },
            verdict: Verdict(reproduced: verdict.reproduced, summary: verdict.summary), seconds: seconds, numbers: numbers))
    }
}
