// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// Runs every (workload, measure) in interleaved rounds: in each round ours,
/// then the GEMM floor, then each peer in its own process, so that slow drift
/// of the shared machine hits all of them alike.
struct BenchmarkSession {
    let workloads: [any Workload]
    let measures: [String]?
    let peerImplementations: [String]?
    let peers: PeerProcess?
    let runs: Int
    let warmup: Int
    let rounds: Int

    /// The measures of `workload` that this session runs.
    func selectedMeasures(of workload: any Workload) -> [String] {
        measures.map { wanted in workload.measures.filter(wanted.contains) } ?? workload.measures
    }

    func peerNames(of workload: any Workload) -> [String] {
        peers == nil ? [] : (peerImplementations ?? workload.defaultPeers)
    }

    /// All results, in table order; prints one progress line per measurement to stderr.
    func run() throws -> [MeasurementResult] {
        var results: [MeasurementResult] = []
        var slots: [String: Int] = [:]
        func record(_ workload: String, _ measure: String, _ implementation: String,
                    _ update: (inout MeasurementResult) -> Void) {
            let key = "\(workload)|\(measure)|\(implementation)"
            let index = slots[key] ?? results.count
            if index == results.count {
                slots[key] = index
                results.append(MeasurementResult(workload: workload, measure: measure, implementation: implementation))
            }
            update(&results[index])
        }
        for round in 1...rounds {
            for workload in workloads {
                for measure in selectedMeasures(of: workload) {
                    let body = try workload.body(for: measure)
                    let ours = try TimingSample.measure(runs: runs, warmup: warmup, body)
                    record(workload.name, measure, MeasurementResult.ours) { $0.append(ours) }
                    progress(round, workload.name, measure, MeasurementResult.ours, ours.median)
                    if let floor = workload.matrixWorkFloor(for: measure) {
                        let sample = try TimingSample.measure(runs: runs, warmup: warmup, floor)
                        record(workload.name, measure, MeasurementResult.floor) { $0.append(sample) }
                    }
                    guard let peers else { continue }
                    for implementation in peerNames(of: workload) {
                        let result: PeerProcess.Result
                        do {
                            result = try peers.run(script: workload.peerScript, arguments: [
                                "--impl", implementation, "--measure", measure, "--workload", workload.name,
                                "--runs", String(runs), "--warmup", String(warmup),
                            ])
                        } catch {
                            // One broken peer (say, jax not installed) leaves a gap, not a failed run.
                            FileHandle.standardError.write(Data("  round \(round) \(implementation) skipped: \(error)\n".utf8))
                            record(workload.name, measure, implementation) { _ in }
                            continue
                        }
                        record(workload.name, measure, implementation) {
                            $0.roundMedians.append(result.medianSeconds)
                            $0.roundMinimums.append(result.minimumSeconds)
                            $0.roundCPUMedians.append(result.cpuMedianSeconds)
                            $0.roundCPUOverWall.append(result.cpuOverWall)
                            if let compile = result.compileSeconds { $0.compileSeconds.append(compile) }
                            $0.peerFields = result.fields
                        }
                        progress(round, workload.name, measure, implementation, result.medianSeconds)
                    }
                }
            }
        }
        return results
    }

    private func progress(_ round: Int, _ workload: String, _ measure: String, _ implementation: String, _ seconds: Double) {
        let line = String(format: "  round %d  %@ %@ %@: %.2f ms\n", round, workload, measure, implementation, seconds * 1e3)
        FileHandle.standardError.write(Data(line.utf8))
    }
}
