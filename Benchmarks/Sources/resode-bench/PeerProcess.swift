// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// Runs peer scripts, each in a fresh Python process with one pinned thread.
///
/// The child gets `SingleThreadProcess.threadVariables` and `--cpu`, and pins
/// itself with `os.sched_setaffinity` before importing numpy, torch or jax.
struct PeerProcess {
    let python: String
    let data: BenchmarkData
    let cpu: Int

    /// What a peer script printed: one JSON object.
    struct Result {
        let fields: [String: Any]
        var medianSeconds: Double { fields["median_s"] as? Double ?? .nan }
        var minimumSeconds: Double { fields["min_s"] as? Double ?? .nan }
        var compileSeconds: Double? { fields["compile_s"] as? Double }
        var loss: Double? { fields["loss"] as? Double }
        var error: Double? { fields["error"] as? Double }
        var cpuMedianSeconds: Double { fields["median_cpu_s"] as? Double ?? .nan }
        var cpuOverWall: Double { fields["cpu_over_wall"] as? Double ?? .nan }
    }

    /// Runs `script` (in `Benchmarks/peers/`) with `arguments` plus `--cpu` and `--data`,
    /// and parses the last line of its output that is a JSON object.
    func run(script: String, arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [data.peerScripts.appendingPathComponent(script).path] + arguments
            + ["--cpu", String(cpu), "--data", data.directory.path]
        process.environment = ProcessInfo.processInfo.environment.merging(SingleThreadProcess.threadVariables) { $1 }
        let command = ([python] + (process.arguments ?? [])).joined(separator: " ")
        // stderr goes to a file: a pipe could fill up (JAX warnings) while we wait on stdout.
        let errorLog = FileManager.default.temporaryDirectory
            .appendingPathComponent("resode-bench-peer-\(ProcessInfo.processInfo.processIdentifier).log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorLog) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let errors = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw BenchmarkError.peerFailed(command: command, status: process.terminationStatus,
                                            output: String((printed + errors).suffix(3000)))
        }
        for line in printed.split(separator: "\n").reversed() where line.hasPrefix("{") {
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
                return Result(fields: object)
            }
        }
        throw BenchmarkError.peerOutputUnreadable(command: command, output: String((printed + errors).suffix(3000)))
    }
}
