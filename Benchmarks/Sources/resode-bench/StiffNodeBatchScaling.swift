// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// W4-scaling: the cost of a stiff batch against its size. ResODE's batched
/// implicit solvers at batch 64, 256 and 1 024 (rtol 1e-6, atol 1e-8), and
/// GSL's `msbdf`/`bsimp` (dense `(batch·d)²` Jacobian) at batch 16, 32 and 64,
/// the largest they accept being 64 (batch·d = 1 024). Prints CPU time
/// (median), NFE, Jacobian evaluations, LU factorisations and steps, and the
/// exponent `p` of `time ∝ batchᵖ` fitted by least squares on log–log axes
/// (goal for ResODE: p ≤ 1.15; a dense LU is p → 3).
///
/// It times nothing in the rounds; everything is printed by its check.
struct StiffNodeBatchScaling: Workload {
    let name = "W4-scaling"
    let data: BenchmarkData
    let measures: [String] = []
    let peerScript = "w4_peers.py"
    let defaultPeers: [String] = []
    var summary: String { "stiff neural ODE batch: CPU time against batch size, fitted exponent" }

    static let batches: [(method: StiffNodeBatch.Method, sizes: [Int])] = [
        (.kvaerno5, [64, 256, 1024]), (.rodas4, [64, 256, 1024]), (.msbdf, [16, 32, 64]), (.bsimp, [16, 32, 64]),
    ]

    func body(for measure: String) throws -> () throws -> Void {
        throw BenchmarkError.unknownMeasure(workload: name, measure: measure, known: measures)
    }

    func matrixWorkFloor(for measure: String) -> (() throws -> Void)? { nil }

    func verify(peers: PeerProcess?) throws -> [String] {
        var rows: [[String]] = []
        for (method, sizes) in Self.batches {
            var times: [Double] = []
            var cells: [String] = []
            for batch in sizes {
                FileHandle.standardError.write(Data("  W4-scaling \(method.rawValue) batch \(batch)\n".utf8))
                let problem = try StiffNodeBatch(data: data, batch: batch)
                let (_, statistics) = try problem.solve(method)
                let call = { _ = try problem.solve(method) }
                let probe = try TimingSample.measure(runs: 1, warmup: 0, call)
                let runs = Swift.max(1, Swift.min(7, Int(1.0 / Swift.max(probe.cpuMedian, 1e-4))))
                let seconds = runs == 1 ? probe.cpuMedian : try TimingSample.measure(runs: runs, warmup: 0, call).cpuMedian
                times.append(seconds)
                cells.append("\(batch): \(MarkdownTable.milliseconds(seconds)) ms, \(statistics.functionEvaluations) / "
                             + "\(statistics.jacobianEvaluations) / \(statistics.luFactorizations) / \(statistics.acceptedSteps)")
            }
            rows.append([method.rawValue] + cells + [String(format: "%.2f", try LogLogFit(x: sizes.map(Double.init), y: times).slope)])
        }
        return ["", "W4-scaling (rtol 1e-6, atol 1e-8; cell: batch: CPU ms, NFE / Jacobians / LU (GSL: not counted, 0) / "
                + "accepted steps; p: fitted exponent of time ∝ batchᵖ)", ""]
            + MarkdownTable.lines(["solver", "small", "middle", "large", "p"], rows) + [""]
    }
}
