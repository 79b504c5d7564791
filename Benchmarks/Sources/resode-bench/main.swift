// SPDX-License-Identifier: GPL-3.0-or-later
//
// resode-bench: ResODE against the tools its users would otherwise pick
// (PyTorch eager, JAX jit) on fixed workloads with shared inputs, one pinned
// thread each, interleaved rounds. It measures and prints; it never asserts.
// See Benchmarks/README.md.
import Foundation
import ResODE

/// Writes a line to stdout unbuffered, so it stays in order with the progress lines on stderr.
func emit(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("resode-bench: \(message)\n".utf8))
    exit(status)
}

let options: BenchmarkOptions
do { options = try BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst())) } catch {
    fail("\(error)", status: 2)
}
if options.showHelp {
    emit(BenchmarkOptions.usage)
    exit(0)
}

SingleThreadProcess.reexecuteIfNeeded()
let pinned = SingleThreadProcess.pin(toCPU: options.cpu)
BLAS.threadCount = 1
Memory.retainFreedBlocks()

do {
    let data = try BenchmarkData(explicit: options.dataDirectory)
    let peers = options.python.map { PeerProcess(python: $0, data: data, cpu: options.cpu) }
    let workloads = try (options.workloads ?? WorkloadCatalog.names).map { try WorkloadCatalog.workload(named: $0, data: data) }
    for measure in options.measures ?? [] where !workloads.contains(where: { $0.measures.contains(measure) }) {
        throw BenchmarkError.unknownMeasure(workload: workloads.map(\.name).joined(separator: ","), measure: measure,
                                           known: Array(Set(workloads.flatMap(\.measures))).sorted())
    }
    let session = BenchmarkSession(workloads: workloads, measures: options.measures,
                                   peerImplementations: options.peerImplementations, peers: peers,
                                   runs: options.runs, warmup: options.warmup, rounds: options.rounds)

    emit("# resode-bench")
    for line in MachineReport.lines() { emit(line) }
    if !pinned { emit("note: could not pin to CPU \(options.cpu); run under `taskset -c \(options.cpu)`") }
    let gigaflops = try BLAS.measureDGEMM(size: 512)
    emit(String(format: "dgemm n=512 GFLOP/s: %.1f", gigaflops))
    emit("inputs: \(data.directory.path); runs \(options.runs), warm-up \(options.warmup), rounds \(options.rounds)")
    for workload in workloads { emit("\(workload.name): \(workload.summary)") }

    emit("\n## Checks")
    for workload in workloads { for line in try workload.verify(peers: peers) { emit(line) } }

    let ticksBefore = MachineReport.cpuTicks()
    let results = try session.run()
    let ticksAfter = MachineReport.cpuTicks()
    let total = Double(max(ticksAfter.total - ticksBefore.total, 1))
    let peerNames = workloads.flatMap(session.peerNames).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    let table = ResultTable(results: results, peerNames: peerNames)

    emit("\n## Results (median of round medians, ms; peer/ours > 1 means ResODE is faster)\n")
    emit(table.summary(\.median))
    emit("\n## Results by CPU time (median of round medians of process CPU time, ms)\n")
    emit("Not counting time another process held the CPU: closer to an idle machine when CPU/wall is low.\n")
    emit(table.summary(\.cpuMedian))
    emit("\n## Per round\n")
    emit(table.perRound)
    if let compile = table.compileTimes { emit("\n## Compile times (not in the timings above)\n\n\(compile)") }
    emit(String(format: "\nduring the rounds: steal %.1f %%, busy %.0f %% of all CPUs; load average %@",
                 100 * Double(ticksAfter.steal - ticksBefore.steal) / total,
                 100 * Double(ticksAfter.busy - ticksBefore.busy) / total, MachineReport.loadAverage))

    if let path = options.jsonPath {
        let settings: [String: Any] = [
            "utc": MachineReport.timestamp(), "runs": options.runs, "warmup": options.warmup, "rounds": options.rounds,
            "cpu": options.cpu, "threads": 1, "dgemm512_gflop_s": gigaflops,
        ]
        try ResultLog(path: path).append(ResultLog.records(results, settings: settings))
        emit("appended \(results.count) records to \(path)")
    }
} catch {
    fail("\(error)", status: 1)
}
