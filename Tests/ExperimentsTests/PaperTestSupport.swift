// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Foundation
import Testing

/// A fresh empty temporary folder.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("resode-experiments-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Collects the progress lines a paper reports (from any thread).
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    var lines: [String] { lock.withLock { storage } }

    func append(_ line: String) { lock.withLock { storage.append(line) } }
}

/// Runs a paper's quick profile, checking that it reported progress and that every table
/// and figure is rectangular (each row as long as the columns), every script reads `DATA`, and every
/// figure is printable (`Figure.presentationProblems`: labelled axes, readable log ticks, a visible title).
func runQuick(_ paper: some Paper) throws -> PaperResult {
    let log = ProgressLog()
    let result = try paper.run(profile: .quick) { log.append($0) }
    #expect(!log.lines.isEmpty, "\(paper.id) reported no progress")
    #expect(result.id == paper.id && result.profile == .quick)
    #expect(!result.tables.isEmpty && !result.figures.isEmpty)
    for table in result.tables {
        #expect(!table.rows.isEmpty && table.rows.allSatisfy { $0.count == table.columns.count }, "table '\(table.caption)'")
    }
    for figure in result.figures {
        #expect(!figure.rows.isEmpty && figure.rows.allSatisfy { $0.count == figure.columns.count }, "figure '\(figure.name)'")
        #expect(figure.gnuplot.contains("DATA"), "figure '\(figure.name)'")
        // Every paper builds its figures with the same functions in both profiles, so this covers every figure.
        #expect(figure.presentationProblems.isEmpty, "figure '\(figure.name)': \(figure.presentationProblems)")
    }
    return result
}

/// A named number of a result, failing the test when it is missing.
func number(_ name: String, in result: PaperResult) throws -> Double {
    try #require(result.numbers[name], "\(result.id) has no number '\(name)'")
}
