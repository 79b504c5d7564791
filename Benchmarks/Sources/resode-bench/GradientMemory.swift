// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// W3-memory: the peak memory of one W3 gradient, for each ResODE method and
/// each peer method, at t1 = 1 and t1 = 10 (about 4× the steps), each in a fresh
/// process. The continuous adjoints keep a fixed number of states, so their peak
/// should not grow from t1 = 1 to 10; backprop through the solver keeps every
/// stage of every step on its tape, so its peak grows with the steps.
///
/// ResODE: the runner re-runs itself as `--workloads W3-memory-probe:<method>:<t1>`
/// (see `GradientMemoryProbe`). Peers: `w3_peers.py --measure memory-<method>`,
/// the same procedure in Python (warm-up, then VmHWM after − VmRSS before one call).
/// It times nothing in the rounds; its check prints the table.
struct GradientMemory: Workload {
    let name = "W3-memory"
    let summary = "peak memory of one W3 gradient per method, t1 = 1 and 10, each in a fresh process"
    let measures: [String] = []
    let peerScript = "w3_peers.py"
    let defaultPeers: [String] = []
    let data: BenchmarkData

    static let endTimes: [Double] = [1, 10]
    static let peerMethods: [(implementation: String, method: NodeBatch.Method)] = [
        ("torchdiffeq", .adjoint), ("diffrax", .adjoint), ("torchdiffeq", .backprop), ("diffrax", .backprop),
    ]

    init(data: BenchmarkData) {
        self.data = data
    }

    func body(for measure: String) throws -> () throws -> Void {
        throw BenchmarkError.unknownMeasure(workload: name, measure: measure, known: measures)
    }

    func matrixWorkFloor(for measure: String) -> (() throws -> Void)? { nil }

    /// One probe of ours in a child process: its JSON fields.
    private func probe(_ method: NodeBatch.Method, endTime: Double) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        let cpu = Int(SingleThreadProcess.allowedCPUs) ?? 0
        process.arguments = ["--workloads", GradientMemoryProbe.name(method, endTime: endTime), "--runs", "1",
                             "--warmup", "0", "--rounds", "1", "--cpu", String(cpu), "--data", data.directory.path]
        process.environment = ProcessInfo.processInfo.environment.merging(SingleThreadProcess.threadVariables) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let command = "resode-bench " + (process.arguments ?? []).joined(separator: " ")
        guard process.terminationStatus == 0 else {
            throw BenchmarkError.peerFailed(command: command, status: process.terminationStatus, output: String(printed.suffix(2000)))
        }
        guard let line = printed.split(separator: "\n").last(where: { $0.hasPrefix(GradientMemoryProbe.marker) }),
              let object = try JSONSerialization.jsonObject(with: Data(line.dropFirst(GradientMemoryProbe.marker.count).utf8))
                as? [String: Any] else {
            throw BenchmarkError.peerOutputUnreadable(command: command, output: String(printed.suffix(2000)))
        }
        return object
    }

    func verify(peers: PeerProcess?) throws -> [String] {
        typealias Row = (name: String, cells: [Double: [String: Any]])
        var rows: [Row] = []
        for method in [NodeBatch.Method.adjoint, .checkpointed, .backprop] {
            var cells: [Double: [String: Any]] = [:]
            for t1 in Self.endTimes {
                FileHandle.standardError.write(Data("  W3-memory ResODE \(method.rawValue) t1 = \(t1)\n".utf8))
                cells[t1] = try probe(method, endTime: t1)
            }
            rows.append(("ResODE \(method.rawValue)", cells))
        }
        if let peers {
            for (implementation, method) in Self.peerMethods {
                var cells: [Double: [String: Any]] = [:]
                var label = "\(implementation) \(method.rawValue)"
                for t1 in Self.endTimes {
                    FileHandle.standardError.write(Data("  W3-memory \(implementation) \(method.rawValue) t1 = \(t1)\n".utf8))
                    do {
                        let result = try peers.run(script: peerScript, arguments: [
                            "--impl", implementation, "--measure", "memory-\(method.rawValue)",
                            "--workload", t1 == 1 ? "W3" : "W3-t10", "--runs", "1", "--warmup", "0",
                        ])
                        cells[t1] = result.fields
                        label = "\(implementation) \(result.fields["method"] as? String ?? method.rawValue)"
                    } catch {
                        FileHandle.standardError.write(Data("  W3-memory \(label) t1 = \(t1) failed: \(error)\n".utf8))
                    }
                }
                rows.append((label, cells))
            }
        }
        func mebibytes(_ fields: [String: Any]?, _ key: String) -> String {
            guard let kib = (fields?[key] as? NSNumber)?.doubleValue else { return "–" }
            return String(format: "%.1f", kib / 1024)
        }
        func steps(_ fields: [String: Any]?) -> String {
            guard let fields else { return "–" }
            if let n = (fields["steps"] as? NSNumber)?.intValue { return "\(n)" }
            let fwd = (fields["nfe_fwd"] as? NSNumber)?.intValue
            return fwd.map { "nfe \($0)" } ?? "–"
        }
        var lines = ["", "W3 gradient peak memory, one fresh process per cell (MiB; peak Δ = VmHWM after one gradient − "
                     + "VmRSS before it, the peak mark reset just before the call; RSS before = the process after "
                     + "start-up, imports and warm-up)", ""]
        lines += MarkdownTable.lines(
            ["method", "peak Δ t1 = 1", "peak Δ t1 = 10", "forward steps t1 = 1 / 10", "RSS before, t1 = 1 / 10"],
            rows.map { row in
                [row.name, mebibytes(row.cells[1], "peak_delta_kib"), mebibytes(row.cells[10], "peak_delta_kib"),
                 "\(steps(row.cells[1])) / \(steps(row.cells[10]))",
                 "\(mebibytes(row.cells[1], "rss_before_kib")) / \(mebibytes(row.cells[10], "rss_before_kib"))"]
            })
        return lines + [""]
    }
}
