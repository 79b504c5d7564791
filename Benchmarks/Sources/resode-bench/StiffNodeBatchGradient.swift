// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// W4-gradient: the gradient of `ℓ = ½‖x(1)‖²` with respect to `x₀` and the
/// weights on the W4 stiff batch (first 16 rows), by backprop through `rodas4`
/// (stages as linear solves, `J` differentiated by Hessian–vector products),
/// backprop through `kvaerno5` (implicit-function rule), and the stiff adjoint
/// (`StiffAdjoint`, Kvaerno5 both ways), side by side in interleaved rounds.
/// Prints each gradient's relative error against backprop through Kvaerno5 at
/// rtol 1e-10 (atol 1e-12), the evaluations, the accepted steps and the median
/// CPU time; `rodas4` backprop also at rtol 1e-4 and 1e-3, looser tolerances whose
/// gradient error is still at or below the adjoint's at rtol 1e-6 (equal-error comparison).
///
/// It times nothing in the rounds; everything is printed by its check.
struct StiffNodeBatchGradient: Workload {
    let name = "W4-gradient"
    let data: BenchmarkData
    let measures: [String] = []
    let peerScript = "w4_peers.py"
    let defaultPeers: [String] = []
    var summary: String { "stiff neural ODE batch: gradient by rodas4/kvaerno5 backprop and the stiff adjoint" }

    static let batch = 16
    static let rounds = 5

    func body(for measure: String) throws -> () throws -> Void {
        throw BenchmarkError.unknownMeasure(workload: name, measure: measure, known: measures)
    }

    func matrixWorkFloor(for measure: String) -> (() throws -> Void)? { nil }

    func verify(peers: PeerProcess?) throws -> [String] {
        let problem = try StiffNodeBatch(data: data, batch: Self.batch)
        let field = problem.field, x0 = problem.initialState, t1 = StiffNodeBatch.endTime
        let loss: ([Variable]) throws -> Variable = { states in try (states[0] * states[0]).sum() * 0.5 }
        func options(_ rtol: Double) throws -> SolverOptions {
            try SolverOptions(relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
        }
        func flat(_ g: ODEGradient) throws -> Tensor {
            try Tensor.concatenate(([g.initialState] + g.parameters).map { try $0.reshaped(to: [-1]) })
        }
        func backprop(_ name: String, _ solver: some DifferentiableODESolver) -> (name: String, gradient: () throws -> ODEGradient) {
            (name, { try BackpropThroughSolver(solver).gradient(of: field, initialState: x0, from: 0, observationTimes: [t1], loss: loss) })
        }
        let methods: [(name: String, gradient: () throws -> ODEGradient)] = try [("1e-6", 1e-6), ("1e-4", 1e-4), ("1e-3", 1e-3)].map { label, rtol in
            backprop("rodas4 backprop, rtol \(label)", Rodas4Solver(options: try options(rtol)))
        } + [
            backprop("kvaerno5 backprop, rtol 1e-6", try Kvaerno5Solver(options: options(1e-6))),
            ("stiff adjoint, rtol 1e-6", {
                try StiffAdjoint(options: options(1e-6))
                    .gradient(of: field, initialState: x0, from: 0, observationTimes: [t1], loss: loss)
            }),
        ]
        FileHandle.standardError.write(Data("  W4-gradient reference (kvaerno5 backprop, rtol 1e-10)\n".utf8))
        let reference = try flat(try BackpropThroughSolver(Kvaerno5Solver(
            options: try SolverOptions(relativeTolerance: 1e-10, absoluteTolerance: 1e-12)))
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [t1], loss: loss))
        var results: [ODEGradient] = []
        for method in methods { results.append(try method.gradient()) }
        var cpu = [[Double]](repeating: [], count: methods.count)
        for round in 0..<Self.rounds {
            FileHandle.standardError.write(Data("  W4-gradient round \(round + 1)/\(Self.rounds)\n".utf8))
            for (k, method) in methods.enumerated() {
                cpu[k].append(try TimingSample.measure(runs: 1, warmup: 0) { _ = try method.gradient() }.cpuMedian)
            }
        }
        let medians = cpu.map { $0.sorted()[$0.count / 2] }
        let adjoint = medians[methods.count - 1]
        var rows: [[String]] = []
        for (k, method) in methods.enumerated() {
            let g = results[k]
            rows.append([method.name, String(format: "%.1e", try flat(g).relativeDifference(to: reference)),
                         "\(g.forward.functionEvaluations) + \(g.backward.functionEvaluations)",
                         "\(g.forward.acceptedSteps)", MarkdownTable.milliseconds(medians[k]),
                         String(format: "%.2f", medians[k] / adjoint)])
        }
        return ["", "W4-gradient (batch \(Self.batch), atol = rtol·1e-2, ℓ = ½‖x(1)‖²; error: relative to kvaerno5 "
                + "backprop at rtol 1e-10; CPU: median of \(Self.rounds) interleaved rounds)", ""]
            + MarkdownTable.lines(["method", "gradient error", "NFE fwd + bwd", "steps", "CPU ms", "÷ adjoint"], rows) + [""]
    }
}
