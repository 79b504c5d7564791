// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// What the numbers depend on: the machine, the BLAS, and how busy the host is.
enum MachineReport {
    /// CPU model and count, kernel, allowed CPUs, the BLAS and its thread count.
    static func lines() -> [String] {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String {
            let line = cpuinfo.split(separator: "\n").first { $0.hasPrefix(name + "\t") || $0.hasPrefix(name + " ") }
            return line?.split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "?"
        }
        let flags = Set(field("flags").split(separator: " ").map(String.init))
        let vector = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : "no AVX2"
        let model = "\(field("model name")) (family \(field("cpu family")) model \(field("model")), \(vector))"
        let kernel = (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        return [
            "date \(timestamp()), \(model), \(ProcessInfo.processInfo.processorCount) CPUs, Linux \(kernel)",
            "pinned to CPU \(SingleThreadProcess.allowedCPUs); load average \(loadAverage)",
            "BLAS \(BLAS.providerPath ?? "?") (\(BLAS.coreName), \(BLAS.threadCount) thread; "
                + "OPENBLAS_NUM_THREADS=\(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset"))",
        ]
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }

    /// The 1-, 5- and 15-minute load averages from `/proc/loadavg`.
    static var loadAverage: String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// Jiffies of all CPUs since boot from `/proc/stat`: (steal, busy, total).
    /// Steal is time the hypervisor gave to other guests, the main noise on a shared VM.
    static func cpuTicks() -> (steal: Int, busy: Int, total: Int) {
        let line = ((try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? "").split(separator: "\n").first ?? ""
        let fields = line.split(separator: " ").dropFirst().prefix(8).compactMap { Int($0) }
        guard fields.count == 8 else { return (0, 0, 0) }
        return (fields[7], fields[0] + fields[1] + fields[2] + fields[5] + fields[6], fields.reduce(0, +))
    }
}
