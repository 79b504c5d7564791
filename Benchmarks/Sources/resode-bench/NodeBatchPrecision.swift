// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// W3-precision (t1 = 1) and W3-t10-precision (t1 = 10): W3 at equal achieved
/// error. Each ResODE method (the adjoint also with the full-state error test,
/// `adjoint-full`, and with GSL rkf45 or rk8pd both ways, `adjoint-rkf45`,
/// `adjoint-rk8pd`) is swept over rtol = 1e-3 … 1e-8, half decades down to 1e-6
/// (atol = rtol·1e-2) — time (process CPU time, median of
/// several calls), NFE (forward + backward) and error (forward: max |x(t1) − ref|;
/// gradients: ‖g − g_ref‖₂/‖g_ref‖₂) — and each peer method runs at its default
/// rtol 1e-6 (7 timed calls). The second table gives, for each peer's achieved
/// error, the time each ResODE method needs to reach it (log–log interpolation
/// between the bracketing tolerances).
///
/// It times nothing in the rounds; everything is printed by its check.
struct NodeBatchPrecision: Workload {
    let name: String
    let problem: NodeBatch
    let measures: [String] = []
    let peerScript = "w3_peers.py"
    let defaultPeers: [String] = []

    static let names = ["W3-precision", "W3-t10-precision", "W3-adjoint-precision"]
    /// Half decades where the peers' errors fall (1e-3 … 1e-6), so that the log–log
    /// interpolation to a peer's error spans a factor of ~3, not 10.
    static let tolerances: [Double] = [1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 1e-7, 1e-8]
    static let allMethods: [NodeBatch.Method] = [
        .forward, .forwardGSL, .adjoint, .adjointFullState, .adjointFehlberg, .adjointDormandPrince87,
        .adjointDormandPrince54, .adjointTsitouras54, .adjointDormandPrince54Integral, .adjointTsitouras54Integral,
        .checkpointed, .backprop,
    ]
    static let allPeerMethods: [(implementation: String, measure: NodeBatch.Method)] = [
        ("torchdiffeq", .forward), ("diffrax", .forward), ("torchdiffeq", .adjoint), ("diffrax", .adjoint),
        ("torchdiffeq", .backprop), ("diffrax", .backprop),
    ]

    /// `W3-adjoint-precision`: the continuous adjoints alone (and backprop), against diffrax's
    /// two gradients only: a short run (≈ 2 min) to repeat on a loaded machine.
    static let adjointMethods: [NodeBatch.Method] = [
        .adjoint, .adjointDormandPrince54, .adjointTsitouras54, .adjointDormandPrince54Integral,
        .adjointTsitouras54Integral, .backprop,
    ]
    let methods: [NodeBatch.Method]
    let peerMethods: [(implementation: String, measure: NodeBatch.Method)]

    init(name: String, data: BenchmarkData) throws {
        guard NodeBatchPrecision.names.contains(name) else {
            throw BenchmarkError.unknownWorkload(name, known: NodeBatchPrecision.names)
        }
        self.name = name
        problem = try NodeBatch(data: data, endTime: name == "W3-t10-precision" ? 10 : 1)
        let adjointOnly = name == "W3-adjoint-precision"
        methods = adjointOnly ? Self.adjointMethods : Self.allMethods
        peerMethods = adjointOnly ? [("diffrax", .adjoint), ("diffrax", .backprop)] : Self.allPeerMethods
    }

    var summary: String {
        String(format: "neural ODE batch gradient at equal achieved error, t1 = %g: ResODE swept over rtol 1e-3 … 1e-8, "
               + "peers at rtol 1e-6", problem.endTime)
    }

    func body(for measure: String) throws -> () throws -> Void {
        throw BenchmarkError.unknownMeasure(workload: name, measure: measure, known: measures)
    }

    func matrixWorkFloor(for measure: String) -> (() throws -> Void)? { nil }

    /// The error of one call of `method` at `rtol`, its NFE, and the call itself.
    private func run(_ method: NodeBatch.Method, _ rtol: Double,
                     reference: NodeBatch.Reference) throws -> (error: Double, evaluations: Int, call: () throws -> Void) {
        if method.isGradient {
            let g = try problem.gradient(method, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
            return (try NodeBatch.flatten(g.parameters).relativeDifference(to: reference.gradient),
                    g.forward.functionEvaluations + g.backward.functionEvaluations,
                    { _ = try problem.gradient(method, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2) })
        }
        let trajectory = try problem.solve(method, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
        guard let x = trajectory.finalState else { throw BenchmarkError.badInput("W3: the solve returned no state") }
        return (try (x - reference.finalState).maxNorm(), trajectory.statistics.functionEvaluations,
                { _ = try problem.solve(method, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2) })
    }

    func verify(peers: PeerProcess?) throws -> [String] {
        let reference = try NodeBatchReference.reference(problem)
        var curves: [(method: NodeBatch.Method, curve: WorkPrecisionCurve)] = []
        for method in methods {
            var curve = WorkPrecisionCurve(name: "ResODE \(method.rawValue)")
            for rtol in Self.tolerances {
                FileHandle.standardError.write(Data("  \(name) \(method.rawValue) rtol \(rtol)\n".utf8))
                let (error, evaluations, call) = try run(method, rtol, reference: reference)
                let probe = try TimingSample.measure(runs: 1, warmup: 0, call)
                let runs = Swift.max(3, Swift.min(11, Int(0.3 / Swift.max(probe.cpuMedian, 1e-4))))
                let timing = try TimingSample.measure(runs: runs, warmup: 0, call)
                curve.points.append(.init(relativeTolerance: rtol, seconds: timing.cpuMedian, functionEvaluations: evaluations,
                                          error: error, errorEverywhere: error))
            }
            curves.append((method, curve))
        }
        var lines = ["", String(format: "%@ work–precision, t1 = %g (atol = rtol·1e-2; cell: CPU ms / NFE fwd+bwd / error; "
                                + "fwd: max |x(t1) − ref|, gradients: relative 2-norm)", name, problem.endTime), ""]
        let rows = Self.tolerances.map { rtol in
            [String(format: "%.0e", rtol)] + curves.map { entry in
                guard let p = entry.curve.point(at: rtol) else { return "–" }
                return "\(MarkdownTable.milliseconds(p.seconds)) / \(p.functionEvaluations) / \(MarkdownTable.scientific(p.error))"
            }
        }
        lines += MarkdownTable.lines(["rtol"] + curves.map(\.curve.name), rows)
        lines.append("")
        guard let peers else { return lines + ["\(name) peers: skipped (needs --peers)"] }

        var matched: [[String]] = []
        for (implementation, method) in peerMethods {
            FileHandle.standardError.write(Data("  \(name) \(implementation) \(method.rawValue)\n".utf8))
            do {
                let file = FileManager.default.temporaryDirectory
                    .appendingPathComponent("resode-bench-\(name)-\(implementation)-\(ProcessInfo.processInfo.processIdentifier).npy")
                defer { try? FileManager.default.removeItem(at: file) }
                let result = try peers.run(script: peerScript, arguments: [
                    "--impl", implementation, "--measure", method.rawValue,
                    "--workload", problem.endTime == 1 ? "W3" : "W3-t10",
                    "--runs", "7", "--warmup", "2", "--save-outputs", file.path,
                ])
                let outputs = try NumPy.readArray(from: file)
                let error = method.isGradient ? try outputs.relativeDifference(to: reference.gradient)
                                              : try (outputs - reference.finalState).maxNorm()
                let seconds = result.cpuMedianSeconds
                let nfe = result.integer("nfe") ?? ((result.integer("nfe_fwd") ?? 0) + (result.integer("nfe_bwd") ?? 0))
                let comparable = curves.filter { $0.method.isGradient == method.isGradient }
                matched.append(["\(implementation) \(result.fields["method"] as? String ?? method.rawValue)",
                                MarkdownTable.scientific(error), "\(nfe)", MarkdownTable.milliseconds(seconds)]
                               + curves.map { entry in
                                   guard comparable.contains(where: { $0.method == entry.method }) else { return "" }
                                   guard let (ours, tolerances) = entry.curve.seconds(toReach: error) else { return "not reached" }
                                   return "\(MarkdownTable.milliseconds(ours)) (\(MarkdownTable.ratio(seconds, ours)), rtol \(tolerances))"
                               })
            } catch {
                matched.append(["\(implementation) \(method.rawValue)", "failed: \(error)".prefix(80).description, "", ""]
                               + curves.map { _ in "" })
            }
        }
        lines += [String(format: "%@ at equal achieved error, t1 = %g: each peer at rtol 1e-6 (CPU ms, median of 7), and the "
                         + "CPU ms each ResODE method needs for the same error (peer time / ResODE time in parentheses: "
                         + "> 1 means ResODE is faster; the bracketing tolerances after it)", name, problem.endTime), ""]
        lines += MarkdownTable.lines(["peer (rtol 1e-6)", "its error", "its NFE", "its CPU ms"] + curves.map(\.curve.name),
                                     matched)
        return lines + [""]
    }
}
