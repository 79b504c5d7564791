// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Puts this process on one thread of one CPU, as every peer is.
///
/// OpenBLAS sizes its thread pool when the library loads, before `main` runs,
/// so `OPENBLAS_NUM_THREADS=1` must be in the environment at exec time: when it
/// is not, the runner sets it and re-executes itself (once). `BLAS.threadCount = 1`
/// is then set as well. The CPU is pinned with `sched_setaffinity`, which Swift's
/// Glibc module does not export (it needs `_GNU_SOURCE`), so it is looked up with `dlsym`.
enum SingleThreadProcess {
    /// The environment every measured process (ours and the peers) runs with.
    static let threadVariables: [String: String] = [
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    ]

    /// Re-executes the program with `threadVariables` set unless they already are.
    /// Returns (only) when no re-exec was needed or it failed.
    static func reexecuteIfNeeded() {
        #if os(Linux)
        let environment = ProcessInfo.processInfo.environment
        let missing = threadVariables.filter { environment[$0.key] != $0.value }
        guard !missing.isEmpty, environment["RESODE_BENCH_REEXECUTED"] == nil else { return }
        for (name, value) in threadVariables { setenv(name, value, 1) }
        setenv("RESODE_BENCH_REEXECUTED", "1", 1)
        var argv = CommandLine.arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", &argv)
        // Reached only if execv failed; BLAS.threadCount = 1 still limits the computation.
        FileHandle.standardError.write(Data("note: re-exec failed (\(errno)); OpenBLAS keeps its idle threads\n".utf8))
        #endif
    }

    /// Pins the calling process to `cpu`. Returns whether that succeeded.
    @discardableResult
    static func pin(toCPU cpu: Int) -> Bool {
        #if os(Linux)
        typealias SetAffinity = @convention(c) (pid_t, Int, UnsafeRawPointer) -> Int32
        guard cpu >= 0, cpu < MemoryLayout<cpu_set_t>.size * 8,
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_setaffinity") else { return false }
        let setAffinity = unsafeBitCast(symbol, to: SetAffinity.self)
        var mask = cpu_set_t()
        withUnsafeMutableBytes(of: &mask) { bytes in bytes[cpu / 8] = UInt8(1) << UInt8(cpu % 8) }
        return withUnsafeBytes(of: &mask) { setAffinity(0, $0.count, $0.baseAddress!) } == 0
        #else
        return false
        #endif
    }

    /// The CPUs this process may run on, from `/proc/self/status` (e.g. "0").
    static var allowedCPUs: String {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
        return line.map { $0.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces) } ?? "?"
    }
}
