// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NumPyIO

/// The per-epoch metrics as files: `metrics.csv` (a header, then one row per epoch)
/// and `metrics.json` (an array with one object per epoch), with the same names:
///
///     epoch, training_loss, training_accuracy, held_out_loss, held_out_accuracy,
///     gradient_norm, learning_rate, seconds, <counter names, sorted>
///
/// A missing value is an empty CSV cell and a JSON `null` (as is a non-finite one in JSON).
/// Numbers are written in Swift's shortest round-trip form, so they read back bit for bit.
public enum MetricsLog {
    /// The names of the fixed columns, in order.
    public static let fixedColumns = ["epoch", "training_loss", "training_accuracy", "held_out_loss", "held_out_accuracy",
                                      "gradient_norm", "learning_rate", "seconds"]

    /// The counter names that appear in any record, sorted: the extra columns.
    public static func counterColumns(of records: [EpochMetrics]) -> [String] {
        Set(records.flatMap { $0.counters.keys }).sorted()
    }

    /// The CSV text: header line, then one line per record, each ending in `\n`.
    public static func csv(_ records: [EpochMetrics]) -> String {
        let counters = counterColumns(of: records)
        var text = (fixedColumns + counters).map(csvField).joined(separator: ",") + "\n"
        for record in records {
            let cells = values(of: record, counters: counters).map { $0.map { "\($0)" } ?? "" }
            text += (["\(record.epoch)"] + cells).joined(separator: ",") + "\n"
        }
        return text
    }

    /// The JSON text: an array of objects whose keys are the column names, in column order.
    public static func json(_ records: [EpochMetrics]) -> String {
        let counters = counterColumns(of: records)
        let keys = (fixedColumns + counters).map(jsonString)
        let objects = records.map { record in
            let numbers = values(of: record, counters: counters).map { value in
                value.flatMap { $0.isFinite ? "\($0)" : nil } ?? "null"
            }
            let members = zip(keys, ["\(record.epoch)"] + numbers).map { key, value in "\(key): \(value)" }
            return "  {" + members.joined(separator: ", ") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + (objects.isEmpty ? "]\n" : "\n]\n")
    }

    /// Writes `metrics.csv` and `metrics.json` into `directory` (created if needed), each atomically.
    /// - Throws: Foundation's error, naming the path, when a file cannot be written.
    public static func write(_ records: [EpochMetrics], to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try AtomicFileWriter.write(Data(csv(records).utf8), to: directory.appendingPathComponent("metrics.csv"))
        try AtomicFileWriter.write(Data(json(records).utf8), to: directory.appendingPathComponent("metrics.json"))
    }

    /// Appends one record's row to `metrics.csv` in `directory`, writing the header first
    /// when the file does not exist yet (its counter columns are those of `record`; a later
    /// record's counters are written under the same columns, empty where it lacks one).
    /// Appending costs one row, however long the run: the file is never rewritten whole.
    /// - Throws: Foundation's error when the file cannot be created or written.
    public static func append(_ record: EpochMetrics, to directory: URL) throws {
        let url = directory.appendingPathComponent("metrics.csv")
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try AtomicFileWriter.write(Data(csv([record]).utf8), to: url)
            return
        }
        let header = try firstLine(of: url)
        let counters = header.split(separator: ",", omittingEmptySubsequences: false).dropFirst(fixedColumns.count).map(String.init)
        let cells = values(of: record, counters: counters).map { $0.map { "\($0)" } ?? "" }
        let handle = try FileHandle(forWritingTo: url)
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(((["\(record.epoch)"] + cells).joined(separator: ",") + "\n").utf8))
        } catch {
            try? handle.close()  // the write's error is the one to report
            throw error
        }
        try handle.close()  // a failed close may have lost the row, so it is an error
    }

    /// Writes `metrics.json` into `directory` atomically (once, at the end of a run).
    public static func writeJSON(_ records: [EpochMetrics], to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try AtomicFileWriter.write(Data(json(records).utf8), to: directory.appendingPathComponent("metrics.json"))
    }

    /// Rewrites `metrics.csv` atomically from `records` (after a resume, to drop rows past the checkpoint).
    public static func writeCSV(_ records: [EpochMetrics], to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try AtomicFileWriter.write(Data(csv(records).utf8), to: directory.appendingPathComponent("metrics.csv"))
    }

    /// The header of an existing metrics file (read up to its first line break, at most 64 KiB).
    static func firstLine(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }  // a read-only handle: closing cannot lose data
        let data = try handle.read(upToCount: 65_536) ?? Data()
        let line = data.prefix { $0 != 0x0A }
        return String(decoding: line, as: UTF8.self)
    }

    /// Every column after `epoch`, in order.
    static func values(of r: EpochMetrics, counters: [String]) -> [Double?] {
        var row: [Double?] = [r.trainingLoss, r.trainingAccuracy, r.heldOutLoss, r.heldOutAccuracy,
                              r.gradientNorm, r.learningRate, r.seconds]
        for name in counters { row.append(r.counters[name] ?? nil) }
        return row
    }

    /// A CSV field, quoted (RFC 4180) when it holds a comma, quote or line break.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A JSON string literal.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
