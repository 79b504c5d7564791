// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// The W2 reference solution `[1000, 20, 2]`: GSL rk8pd at rtol = atol = 1e-13,
/// computed once per process (every W2 workload and `W2-precision` share it).
enum NodeSpiralReference {
    nonisolated(unsafe) private static var cached: (solution: Tensor, statistics: SolverStatistics)?

    static func solution(_ problem: NodeSpiral) throws -> (solution: Tensor, statistics: SolverStatistics) {
        if let cached { return cached }
        let trajectory = try problem.solve(.gsl(.rk8pd, .steppingOntoOutputTimes), relativeTolerance: 1e-13, absoluteTolerance: 1e-13)
        let result = (try problem.stacked(trajectory), trajectory.statistics)
        cached = result
        return result
    }
}

extension NodeSpiralSolve {
    /// Prints how accurate and how costly each solve is, so that the timings can
    /// be read at equal accuracy:
    /// - `W2`: the reference (GSL rk8pd 1e-13) against SciPy's DOP853 at 1e-13, then
    ///   for every ResODE method and every peer at rtol 1e-7: NFE, steps, the error
    ///   of x(25) and the largest error over all 1000 outputs.
    /// - `W2-<gsl>`: builds the C baseline and checks that it takes the same steps
    ///   (same NFE) and gives the same outputs as ResODE's GSL solve.
    func verify(peers: PeerProcess?) throws -> [String] {
        let (reference, referenceStatistics) = try NodeSpiralReference.solution(problem)
        switch method {
        case .dormandPrince54: return try verifyAll(peers: peers, reference: reference, referenceStatistics: referenceStatistics)
        case .gsl(let type, .steppingOntoOutputTimes): return try verifyAgainstC(type, peers: peers, reference: reference)
        case .gsl(let type, .interpolating): return try verifyAgainstStepping(type, reference: reference)
        }
    }

    private func verifyAll(peers: PeerProcess?, reference: Tensor, referenceStatistics: SolverStatistics) throws -> [String] {
        var lines: [String] = []
        var referenceLine = "W2 reference: GSL rk8pd at rtol = atol = 1e-13 (nfe \(referenceStatistics.functionEvaluations))"
        if let peers {
            do {
                let (result, outputs) = try peers.runSavingOutputs(script: peerScript, implementation: "reference",
                                                                   measure: "fwd", workload: name)
                let (final, all) = try NodeSpiral.errors(of: outputs, against: reference)
                referenceLine += String(format: " vs SciPy DOP853 at 1e-13 (nfe %@): they differ by %.1e at t = 25, "
                                        + "%.1e over all outputs", MarkdownTable.integer(result.integer("nfe")), final, all)
            } catch {
                referenceLine += "; the SciPy DOP853 cross-check failed: \(error)"
            }
        }
        lines.append(referenceLine)
        lines.append("")
        lines.append("W2 accuracy at rtol 1e-7, atol 1e-9 (error: max |x − ref| over the batch; NFE: evaluations of the batched field)")
        lines.append("")
        var rows: [[String]] = []
        for method in NodeSpiral.Method.all {
            let trajectory = try problem.solve(method)
            let (final, all) = try NodeSpiral.errors(of: try problem.stacked(trajectory), against: reference)
            let s = trajectory.statistics
            let norm = method == .dormandPrince54 ? "RMS" : "max"
            rows.append(["ResODE \(method)", norm, String(s.functionEvaluations), "\(s.acceptedSteps) (\(s.rejectedSteps))",
                         MarkdownTable.scientific(final), MarkdownTable.scientific(all)])
        }
        if let peers {
            for implementation in defaultPeers {
                do {
                    let (result, outputs) = try peers.runSavingOutputs(script: peerScript, implementation: implementation,
                                                                       measure: "fwd", workload: name)
                    let (final, all) = try NodeSpiral.errors(of: outputs, against: reference)
                    let steps = result.integer("steps").map { "\($0) (\(result.integer("rejected_steps") ?? 0))" } ?? "–"
                    rows.append([implementation, "RMS", MarkdownTable.integer(result.integer("nfe")), steps,
                                 MarkdownTable.scientific(final), MarkdownTable.scientific(all)])
                } catch {
                    rows.append([implementation, "–", "failed: \(error)".prefix(80).description, "–", "–", "–"])
                }
            }
        }
        lines += MarkdownTable.lines(["implementation", "error norm", "NFE", "steps (rejected)", "error x(25)",
                                      "max error, all t"], rows)
        lines.append("")
        return lines
    }

    private func verifyAgainstC(_ type: GSLStepType, peers: PeerProcess?, reference: Tensor) throws -> [String] {
        let trajectory = try problem.solve(method)
        let ours = try problem.stacked(trajectory)
        let (final, _) = try NodeSpiral.errors(of: ours, against: reference)
        let s = trajectory.statistics
        let replays = try BatchODESystem(field: problem.field, batchSize: problem.initialState.shape[0]).replaysTrace
        var line = String(format: "%@ ResODE GSL %@ (%@): nfe %d, steps %d (%d rejected), error x(25) %.1e",
                          name, type.rawValue, replays ? "field replayed from its trace" : "field called",
                          s.functionEvaluations, s.acceptedSteps, s.rejectedSteps, final)
        guard let peers else { return [line + "; C baseline: skipped (needs --peers)"] }
        do {
            try CBaseline.build(data)
        } catch {
            return [line + "; C baseline: not built (\(error))"]
        }
        let (result, outputs) = try peers.runSavingOutputs(script: peerScript, implementation: "c-gsl", measure: "fwd",
                                                           workload: name)
        let difference = try NodeSpiral.errors(of: outputs, against: ours).all
        line += String(format: "; C baseline: nfe %@, steps %@ (%@ rejected), outputs differ from ResODE's by %.1e",
                       MarkdownTable.integer(result.integer("nfe")), MarkdownTable.integer(result.integer("steps")),
                       MarkdownTable.integer(result.integer("failed_steps")), difference)
        return [line, try ratioToC(peers: peers)]
    }

    /// The dense-output solve against the same stepper stepping onto every output
    /// time: NFE, steps, errors (x(25) and over all outputs), and the CPU time of
    /// both in three interleaved rounds of 10 solves.
    private func verifyAgainstStepping(_ type: GSLStepType, reference: Tensor) throws -> [String] {
        let stepping = NodeSpiral.Method.gsl(type, .steppingOntoOutputTimes)
        var rows: [[String]] = []
        var times: [[Double]] = [[], []]
        for candidate in [stepping, method] {
            let trajectory = try problem.solve(candidate)
            let (final, all) = try NodeSpiral.errors(of: try problem.stacked(trajectory), against: reference)
            let s = trajectory.statistics
            rows.append(["ResODE \(candidate)", String(s.functionEvaluations), "\(s.acceptedSteps) (\(s.rejectedSteps))",
                         MarkdownTable.scientific(final), MarkdownTable.scientific(all)])
        }
        for _ in 0..<3 {
            for (k, candidate) in [stepping, method].enumerated() {
                times[k].append(try TimingSample.measure(runs: 10, warmup: 2) { _ = try problem.solve(candidate) }.cpuMedian)
            }
        }
        let (before, after) = (medianOf(times[0]), medianOf(times[1]))
        rows[0].append(MarkdownTable.milliseconds(before))
        rows[1].append(MarkdownTable.milliseconds(after))
        return ["\(name): GSL \(type.rawValue) stepping onto the 1000 output times vs the Hermite dense output "
                + "(rtol 1e-7, atol 1e-9; CPU ms: median of 3 interleaved rounds of 10 solves; dense / stepping = "
                + MarkdownTable.ratio(after, before) + "×)", ""]
            + MarkdownTable.lines(["solve", "NFE", "steps (rejected)", "error x(25)", "max error, all t", "CPU ms"], rows)
            + [""]
    }

    /// ResODE-GSL / C-GSL in process CPU time: three interleaved rounds of 10 solves
    /// each (ours; C with libm's tanh; C with ResODE's vector tanh; C computing the
    /// right-hand side exactly as ResODE does, BLAS and vector tanh), medians.
    private func ratioToC(peers: PeerProcess) throws -> String {
        let implementations = ["c-gsl", "c-gsl-vtanh", "c-gsl-blas-vtanh"]
        var ours: [Double] = []
        var theirs = [[Double]](repeating: [], count: implementations.count)
        for _ in 0..<3 {
            ours.append(try TimingSample.measure(runs: 10, warmup: 2) { _ = try problem.solve(method) }.cpuMedian)
            for (k, implementation) in implementations.enumerated() {
                let result = try peers.run(script: peerScript, arguments: [
                    "--impl", implementation, "--measure", "fwd", "--workload", name, "--runs", "10", "--warmup", "2",
                ])
                theirs[k].append(result.cpuMedianSeconds)
            }
        }
        let a = medianOf(ours)
        let (libm, vector, blas) = (medianOf(theirs[0]), medianOf(theirs[1]), medianOf(theirs[2]))
        return String(format: "%@ ResODE-GSL / C-GSL (CPU time, 3 interleaved rounds of 10; ours %.2f ms): %.2f against C "
                      + "with libm's tanh (%.2f ms), %.2f with ResODE's vector tanh (%.2f ms), %.2f with the same "
                      + "right-hand side as ResODE, BLAS and vector tanh (%.2f ms)",
                      name, a * 1e3, a / libm, libm * 1e3, a / vector, vector * 1e3, a / blas, blas * 1e3)
    }
}
