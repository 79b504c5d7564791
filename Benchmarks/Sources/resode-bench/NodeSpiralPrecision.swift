// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// W2-precision: the work–precision comparison of W2 node-spiral. Equal
/// tolerances do not give equal accuracy across these solvers — GSL tests
/// every component (`|errᵢ| ≤ atol + rtol·|yᵢ|`, a max norm) while the
/// Dormand–Prince codes test an RMS norm, GSL steps onto all 1000 output times
/// while the others interpolate, and the step-size controllers differ — so each
/// is swept over rtol = 1e-3 … 1e-10 (atol = rtol·1e-2) and compared at the error
/// it actually achieves against the 1e-13 reference.
///
/// It times nothing in the rounds; its check prints two tables: time (process
/// CPU time, median of several solves), NFE and error of x(25) per tolerance, and
/// the time each method needs to reach the error that each peer reaches at rtol
/// 1e-7 (interpolated in log–log between the bracketing tolerances).
struct NodeSpiralPrecision: Workload {
    let name = "W2-precision"
    let summary = "node-spiral work–precision sweep, rtol 1e-3 … 1e-10 (atol = rtol·1e-2), every method and peer"
    let measures: [String] = []
    let peerScript = "w2_peers.py"
    let defaultPeers: [String] = []
    let problem: NodeSpiral

    static let tolerances: [Double] = [1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10]
    /// The peers of the sweep and their timed runs per tolerance (torchdiffeq: one, it is slow).
    static let peerRuns: [(name: String, runs: Int)] = [("diffrax", 7), ("scipy-DOP853", 3), ("scipy-RK45", 3), ("torchdiffeq", 1)]

    init(data: BenchmarkData) throws {
        problem = try NodeSpiral(data: data)
    }

    func body(for measure: String) throws -> () throws -> Void {
        throw BenchmarkError.unknownMeasure(workload: name, measure: measure, known: measures)
    }

    func matrixWorkFloor(for measure: String) -> (() throws -> Void)? { nil }

    func verify(peers: PeerProcess?) throws -> [String] {
        let reference = try NodeSpiralReference.solution(problem).solution
        var curves: [WorkPrecisionCurve] = []
        for method in NodeSpiral.Method.all {
            var curve = WorkPrecisionCurve(name: "ResODE \(method)")
            for rtol in Self.tolerances {
                FileHandle.standardError.write(Data("  W2-precision \(method) rtol \(rtol)\n".utf8))
                let first = try problem.solve(method, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
                let (final, all) = try NodeSpiral.errors(of: try problem.stacked(first), against: reference)
                let probe = try TimingSample.measure(runs: 1, warmup: 0) {
                    _ = try problem.solve(method, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
                }
                let runs = Swift.max(3, Swift.min(15, Int(0.3 / Swift.max(probe.cpuMedian, 1e-4))))
                let timing = try TimingSample.measure(runs: runs, warmup: 0) {
                    _ = try problem.solve(method, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
                }
                curve.points.append(.init(relativeTolerance: rtol, seconds: timing.cpuMedian,
                                          functionEvaluations: first.statistics.functionEvaluations,
                                          error: final, errorEverywhere: all))
            }
            curves.append(curve)
        }
        var lines: [String] = []
        if let peers {
            let file = FileManager.default.temporaryDirectory
                .appendingPathComponent("resode-bench-w2-reference-\(ProcessInfo.processInfo.processIdentifier).npy")
            try NumPy.writeArray(reference, to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            for (peer, runs) in Self.peerRuns {
                FileHandle.standardError.write(Data("  W2-precision \(peer) sweep\n".utf8))
                do {
                    let result = try peers.run(script: peerScript, arguments: [
                        "--impl", peer, "--measure", "sweep", "--workload", "W2", "--runs", String(runs),
                        "--warmup", runs > 1 ? "1" : "0", "--reference", file.path,
                        "--rtols", Self.tolerances.map { String($0) }.joined(separator: ","),
                    ])
                    curves.append(try WorkPrecisionCurve(name: peer, peerFields: result.fields))
                } catch {
                    lines.append("W2-precision \(peer): skipped (\(error))")
                }
            }
        }
        return lines + table(curves) + matchedErrorTable(curves)
    }

    /// Rows: rtol; columns: each implementation's "time ms / NFE / error x(25)".
    func table(_ curves: [WorkPrecisionCurve]) -> [String] {
        var lines = ["", "W2 work–precision (atol = rtol·1e-2; cell: CPU ms / NFE / max error of x(25))", ""]
        let rows = Self.tolerances.map { rtol in
            [String(format: "%.0e", rtol)] + curves.map { curve in
                guard let p = curve.point(at: rtol) else { return "–" }
                return "\(MarkdownTable.milliseconds(p.seconds)) / \(p.functionEvaluations) / \(MarkdownTable.scientific(p.error))"
            }
        }
        lines += MarkdownTable.lines(["rtol"] + curves.map(\.name), rows)
        return lines + [""]
    }

    /// For each peer's error at rtol 1e-7: the time every implementation needs to reach it.
    func matchedErrorTable(_ curves: [WorkPrecisionCurve]) -> [String] {
        let ours = curves.filter { $0.name.hasPrefix("ResODE") }
        let targets = curves.filter { !$0.name.hasPrefix("ResODE") }.compactMap { curve in
            curve.point(at: 1e-7).map { (curve, $0) }
        } + ours.prefix(1).compactMap { curve in curve.point(at: 1e-7).map { (curve, $0) } }
        guard !targets.isEmpty else { return [] }
        var lines = ["W2 at equal achieved error: CPU ms to reach the x(25) error that the first column reaches at "
                     + "rtol 1e-7 (log–log interpolation between the bracketing tolerances, shown under the time; "
                     + "ratio = that implementation's time / the target's time, > 1: slower)", ""]
        let header = ["target (rtol 1e-7)", "its error", "its time (ms)"] + curves.map(\.name)
        let rows = targets.map { (target, point) -> [String] in
            [target.name, MarkdownTable.scientific(point.error), MarkdownTable.milliseconds(point.seconds)]
                + curves.map { curve in
                    guard let (seconds, tolerances) = curve.seconds(toReach: point.error) else { return "not reached" }
                    return "\(MarkdownTable.milliseconds(seconds)) (\(MarkdownTable.ratio(seconds, point.seconds))×, rtol \(tolerances))"
                }
        }
        lines += MarkdownTable.lines(header, rows)
        return lines + [""]
    }
}
