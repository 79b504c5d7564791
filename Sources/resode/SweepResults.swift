// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// The gathered files of a finished sweep, each written whole (temporary file, then rename):
///
///     results.csv    index, key, command, arguments, status, error, then every number's name
///                    and every text's name (sorted unions over the runs); one row per run
///     timing.csv     index, key, rank, seconds
///     results.jsonl  one record per line (sorted keys), grid order; written last, so its
///                    presence means the sweep is complete
enum SweepResults {
    static func write(_ files: [SweepRunFile], to directory: URL) throws {
        let records = files.map(\.record)
        try AtomicFileWriter.write(Data(csv(records).utf8), to: directory.appendingPathComponent("results.csv"))
        let timing = "index,key,rank,seconds\n" + files.map { "\($0.record.index),\($0.record.key),\($0.rank),\($0.seconds)\n" }.joined()
        try AtomicFileWriter.write(Data(timing.utf8), to: directory.appendingPathComponent("timing.csv"))
        let encoder = SweepRecord.encoder()
        var lines = Data()
        for record in records { lines += try encoder.encode(record) + Data("\n".utf8) }
        try AtomicFileWriter.write(lines, to: directory.appendingPathComponent("results.jsonl"))
    }

    static func csv(_ records: [SweepRecord]) -> String {
        let numberNames = Set(records.flatMap(\.numbers.keys)).sorted()
        let textNames = Set(records.flatMap(\.text.keys)).sorted()
        var lines = [(["index", "key", "command", "arguments", "status", "error"] + numberNames + textNames).map(field).joined(separator: ",")]
        for r in records {
            let cells = ["\(r.index)", r.key, r.command, r.arguments.joined(separator: " "), r.status, r.error ?? ""]
                + numberNames.map { r.numbers[$0].map { "\($0)" } ?? "" } + textNames.map { r.text[$0] ?? "" }
            lines.append(cells.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled.
    static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
