// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// Appends results to a JSON-lines file, one object per line.
struct ResultLog {
    let path: String

    func append(_ records: [[String: Any]]) throws {
        var text = ""
        for record in records {
            let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
            text += String(decoding: data, as: UTF8.self) + "\n"
        }
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// One record per measurement result, with the run's settings.
    static func records(_ results: [MeasurementResult], settings: [String: Any]) -> [[String: Any]] {
        results.map { r in
            var record = settings
            record["workload"] = r.workload
            record["measure"] = r.measure
            record["impl"] = r.implementation
            record["median_s"] = r.median
            record["round_medians_s"] = r.roundMedians
            record["round_min_s"] = r.roundMinimums
            record["median_cpu_s"] = r.cpuMedian
            record["round_median_cpu_s"] = r.roundCPUMedians
            record["round_cpu_over_wall"] = r.roundCPUOverWall
            if !r.compileSeconds.isEmpty { record["compile_s"] = r.compileSeconds }
            for key in ["loss", "error"] { if let value = r.peerFields[key] { record[key] = value } }
            return record
        }
    }
}
