// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// The results as Markdown tables: the summary (median of round medians, ms,
/// and ratios), the per-round medians, and the JAX compile times.
struct ResultTable {
    let results: [MeasurementResult]
    let peerNames: [String]

    private var rows: [(workload: String, measure: String)] {
        var seen = Set<String>()
        return results.compactMap { r in seen.insert("\(r.workload)|\(r.measure)").inserted ? (r.workload, r.measure) : nil }
    }

    private func result(_ row: (workload: String, measure: String), _ implementation: String) -> MeasurementResult? {
        results.first { $0.workload == row.workload && $0.measure == row.measure && $0.implementation == implementation }
    }

    private func milliseconds(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "–" }
        return String(format: seconds < 0.01 ? "%.2f" : "%.1f", seconds * 1e3)
    }

    private func ratio(_ a: Double?, _ b: Double?) -> String {
        guard let a, let b, a.isFinite, b.isFinite, b > 0 else { return "–" }
        return String(format: "%.2f", a / b)
    }

    private func markdown(_ header: [String], _ body: [[String]]) -> String {
        MarkdownTable.lines(header, body).joined(separator: "\n")
    }

    /// workload | measure | ours | GEMM floor | ours/floor | each peer | each peer/ours,
    /// from the wall-clock round medians (`time = \.median`) or the CPU-time ones (`\.cpuMedian`).
    func summary(_ time: KeyPath<MeasurementResult, Double>) -> String {
        let header = ["workload", "measure", "ours (ms)", "GEMM floor (ms)", "ours/floor"]
            + peerNames.map { "\($0) (ms)" } + peerNames.map { "\($0)/ours" }
        let body = rows.map { row -> [String] in
            let ours = result(row, MeasurementResult.ours)?[keyPath: time]
            let floor = result(row, MeasurementResult.floor)?[keyPath: time]
            let peers = peerNames.map { result(row, $0)?[keyPath: time] }
            return [row.workload, row.measure, milliseconds(ours), milliseconds(floor), ratio(ours, floor)]
                + peers.map(milliseconds) + peers.map { ratio($0, ours) }
        }
        return markdown(header, body)
    }

    /// Each implementation's median in every round (ms), so the noise is visible.
    var perRound: String {
        let implementations = [MeasurementResult.ours, MeasurementResult.floor] + peerNames
        let body = rows.flatMap { row in
            implementations.compactMap { name -> [String]? in
                guard let r = result(row, name) else { return nil }
                let spread = (r.roundMedians.max() ?? .nan) / (r.roundMedians.min() ?? .nan)
                return [row.workload, row.measure, name, r.roundMedians.map(milliseconds).joined(separator: "  "),
                        spread.isFinite ? String(format: "%.2f", spread) : "–", r.roundCPUMedians.map(milliseconds).joined(separator: "  "),
                        r.roundCPUOverWall.map { String(format: "%.2f", $0) }.joined(separator: "  ")]
            }
        }
        return markdown(["workload", "measure", "implementation", "round medians (ms)", "max/min",
                         "round CPU-time medians (ms)", "CPU/wall"], body)
    }

    /// Compile times of the peers that compile (JAX), seconds, excluded from the timings above.
    var compileTimes: String? {
        let body = results.filter { !$0.compileSeconds.isEmpty }.map {
            [$0.workload, $0.measure, $0.implementation, String(format: "%.2f", medianOf($0.compileSeconds))]
        }
        return body.isEmpty ? nil : markdown(["workload", "measure", "implementation", "compile (s, median)"], body)
    }
}
