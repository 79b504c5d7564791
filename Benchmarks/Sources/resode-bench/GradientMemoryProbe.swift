// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// The child side of `W3-memory`: `resode-bench --workloads W3-memory-probe:<method>:<t1>`
/// computes ONE W3 gradient in this fresh process and prints its peak memory on a
/// line starting `W3-memory-probe `, followed by a JSON object.
///
/// Procedure: load the inputs; warm up with one gradient of the same method on
/// `[0, 0.01]` (lazy initialisation and the allocator's first pages are not
/// charged); return freed heap to the kernel (`malloc_trim(0)`: the runner keeps
/// freed blocks, which the measured call would otherwise reuse unseen); read
/// `VmRSS`; reset the peak mark (`/proc/self/clear_refs`); compute the gradient;
/// read `VmHWM`. `peak_delta_kib = VmHWM − VmRSS`: the extra resident memory the
/// call needed at its peak (tape, stored states, GSL workspaces, temporaries), at
/// page granularity. `ru_maxrss_kib` (getrusage) is only context: on Linux a child
/// started by the runner inherits the runner's own peak in it.
struct GradientMemoryProbe: Workload {
    static let prefix = "W3-memory-probe:"
    static let marker = "W3-memory-probe "

    let name: String
    let method: NodeBatch.Method
    let problem: NodeBatch
    let summary = "one W3 gradient in a fresh process, with its peak memory (child of W3-memory)"
    let measures: [String] = []
    let peerScript = "w3_peers.py"
    let defaultPeers: [String] = []

    static func name(_ method: NodeBatch.Method, endTime: Double) -> String {
        prefix + method.rawValue + ":" + String(format: "%g", endTime)
    }

    init(name: String, data: BenchmarkData) throws {
        let parts = name.dropFirst(GradientMemoryProbe.prefix.count).split(separator: ":")
        guard name.hasPrefix(GradientMemoryProbe.prefix), parts.count == 2,
              let method = NodeBatch.Method(rawValue: String(parts[0])), method.isGradient,
              let endTime = Double(parts[1]), endTime > 0.01 else {
            throw BenchmarkError.badOption("\(name): expected \(GradientMemoryProbe.prefix)<adjoint|checkpointed|backprop>:<t1 > 0.01>")
        }
        self.name = name
        self.method = method
        problem = try NodeBatch(data: data, endTime: endTime)
    }

    func body(for measure: String) throws -> () throws -> Void {
        throw BenchmarkError.unknownMeasure(workload: name, measure: measure, known: measures)
    }

    func matrixWorkFloor(for measure: String) -> (() throws -> Void)? { nil }

    func verify(peers: PeerProcess?) throws -> [String] {
        _ = try problem.with(endTime: 0.01).gradient(method)
        ProcessMemory.releaseFreedMemory()
        guard let before = ProcessMemory.status(), ProcessMemory.resetPeak() else {
            throw BenchmarkError.badInput("cannot read or reset the peak RSS (/proc/self/status, /proc/self/clear_refs)")
        }
        let start = Date()
        let g = try problem.gradient(method)
        let seconds = Date().timeIntervalSince(start)
        guard let after = ProcessMemory.status() else { throw BenchmarkError.badInput("cannot read /proc/self/status") }
        let record: [String: Any] = [
            "method": method.rawValue, "t1": problem.endTime, "peak_delta_kib": after.peak - before.resident,
            "rss_before_kib": before.resident, "ru_maxrss_kib": ProcessMemory.maximumResidentKiB(),
            "steps": g.forward.acceptedSteps, "nfe_fwd": g.forward.functionEvaluations,
            "nfe_bwd": g.backward.functionEvaluations, "seconds": seconds,
        ]
        let json = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
        return [GradientMemoryProbe.marker + String(decoding: json, as: UTF8.self)]
    }
}
