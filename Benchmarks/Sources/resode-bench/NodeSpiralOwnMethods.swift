// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// W2-own: the W2 node-spiral solve with each of ResODE's own embedded pairs on
/// the generic driver (`EmbeddedRungeKuttaSolver`: Dormand–Prince 5(4),
/// Tsitouras 5(4), Prince–Dormand 8(7), Bogacki–Shampine 3(2); RMS error norm,
/// dense output at the 1000 times). One measure per method times one forward
/// solve at rtol 1e-7, atol 1e-9. The check sweeps every method over the
/// tolerances of `W2-precision` (and, with `--peers`, diffrax `Dopri5`), then
/// prints the time each needs to reach the x(25) error that diffrax (and our
/// Dormand–Prince 5(4)) reach at rtol 1e-7.
///
/// Prince–Dormand 8(7) reads its outputs off a cubic Hermite interpolant, so its
/// error between steps (the "all t" column of W2) is far larger than at t = 25;
/// the comparison here is at x(25), like W2-precision's.
struct NodeSpiralOwnMethods: Workload {
    let name = "W2-own"
    let summary = "node-spiral forward solve with each own embedded pair (dopri5 tsit5 dopri8 bosh3), 1000 outputs"
    let peerScript = "w2_peers.py"
    let defaultPeers: [String] = []
    let problem: NodeSpiral
    let data: BenchmarkData

    static let methods: [ButcherTableau] = [.dormandPrince54, .tsitouras54, .dormandPrince87, .bogackiShampine32]
    var measures: [String] { Self.methods.map(\.name) }

    init(data: BenchmarkData) throws {
        problem = try NodeSpiral(data: data)
        self.data = data
    }

    func solve(_ tableau: ButcherTableau, relativeTolerance rtol: Double = NodeSpiral.relativeTolerance,
               absoluteTolerance atol: Double = NodeSpiral.absoluteTolerance) throws -> Trajectory {
        let solver = try EmbeddedRungeKuttaSolver(tableau, relativeTolerance: rtol, absoluteTolerance: atol,
                                                  maximumSteps: 1_000_000)
        return try solver.solve(problem.field, initialState: problem.initialState, from: problem.startTime,
                                to: problem.endTime, at: problem.times)
    }

    func body(for measure: String) throws -> () throws -> Void {
        guard let tableau = Self.methods.first(where: { $0.name == measure }) else {
            throw BenchmarkError.unknownMeasure(workload: name, measure: measure, known: measures)
        }
        return { _ = try solve(tableau) }
    }

    func matrixWorkFloor(for measure: String) -> (() throws -> Void)? { nil }

    func verify(peers: PeerProcess?) throws -> [String] {
        let reference = try NodeSpiralReference.solution(problem).solution
        var curves: [WorkPrecisionCurve] = []
        var lines = ["", "W2 own methods at rtol 1e-7 (error: max |x − ref| over the batch)", ""]
        var rows: [[String]] = []
        for tableau in Self.methods {
            let trajectory = try solve(tableau)
            let (final, all) = try NodeSpiral.errors(of: try problem.stacked(trajectory), against: reference)
            let s = trajectory.statistics
            rows.append([tableau.name, String(s.functionEvaluations), "\(s.acceptedSteps) (\(s.rejectedSteps))",
                         MarkdownTable.scientific(final), MarkdownTable.scientific(all)])
            var curve = WorkPrecisionCurve(name: "ResODE \(tableau.name)")
            for rtol in NodeSpiralPrecision.tolerances {
                FileHandle.standardError.write(Data("  W2-own \(tableau.name) rtol \(rtol)\n".utf8))
                let first = try solve(tableau, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
                let (final, all) = try NodeSpiral.errors(of: try problem.stacked(first), against: reference)
                let probe = try TimingSample.measure(runs: 1, warmup: 0) {
                    _ = try solve(tableau, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
                }
                let runs = Swift.max(3, Swift.min(15, Int(0.3 / Swift.max(probe.cpuMedian, 1e-4))))
                let timing = try TimingSample.measure(runs: runs, warmup: 0) {
                    _ = try solve(tableau, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
                }
                curve.points.append(.init(relativeTolerance: rtol, seconds: timing.cpuMedian,
                                          functionEvaluations: first.statistics.functionEvaluations,
                                          error: final, errorEverywhere: all))
            }
            curves.append(curve)
        }
        lines += MarkdownTable.lines(["method", "NFE", "steps (rejected)", "error x(25)", "max error, all t"], rows)
        if let peers {
            let file = FileManager.default.temporaryDirectory
                .appendingPathComponent("resode-bench-w2-own-reference-\(ProcessInfo.processInfo.processIdentifier).npy")
            try NumPy.writeArray(reference, to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            FileHandle.standardError.write(Data("  W2-own diffrax sweep\n".utf8))
            do {
                let result = try peers.run(script: peerScript, arguments: [
                    "--impl", "diffrax", "--measure", "sweep", "--workload", "W2", "--runs", "7", "--warmup", "1",
                    "--reference", file.path,
                    "--rtols", NodeSpiralPrecision.tolerances.map { String($0) }.joined(separator: ","),
                ])
                curves.append(try WorkPrecisionCurve(name: "diffrax", peerFields: result.fields))
            } catch {
                lines.append("W2-own diffrax: skipped (\(error))")
            }
        }
        let sweep = try NodeSpiralPrecision(data: data)
        return lines + sweep.table(curves) + sweep.matchedErrorTable(curves)
    }
}
