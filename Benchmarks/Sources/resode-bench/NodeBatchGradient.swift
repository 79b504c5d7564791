// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// W3 node-batch-grad: a neural ODE on a batch of 256 states (dim 32, hidden 64,
/// tanh MLP field) on `[0, 1]` (`W3`) or `[0, 10]` (`W3-t10`), rtol 1e-6,
/// atol 1e-8, and the gradient of `ℓ = 0.5·mean_b Σ_i x(t1)²` with respect to
/// all four parameter tensors.
///
/// Measures of `W3` and `W3-t10` (one row each, with the peers that do the same thing):
/// - `fwd`: the forward solve, own Dormand–Prince 5(4) — torchdiffeq `dopri5`, diffrax `Dopri5`;
/// - `adjoint`: `ContinuousAdjoint` (GSL rkck both ways, seminorm) — torchdiffeq
///   `odeint_adjoint`, diffrax `BacksolveAdjoint`;
/// - `adjoint-dopri5`, `adjoint-tsit5`: `ContinuousAdjoint` with the own Dormand–Prince
///   or Tsitouras 5(4) both ways (seminorm, RMS norm) — the same peers as `adjoint`;
/// - `adjoint-dopri5-i`, `adjoint-tsit5-i`: the same with the I controller (diffrax's
///   default) instead of the PI controller;
/// - `backprop`: `BackpropThroughSolver` on own Dormand–Prince 5(4) — torchdiffeq
///   backprop through `odeint`, diffrax `RecursiveCheckpointAdjoint`.
///
/// `W3-gsl` and `W3-t10-gsl` time what no peer does the same way:
/// - `fwd-gsl`: the forward solve with GSL rkck, the one the adjoints start with;
/// - `checkpointed`: `CheckpointedAdjoint` (GSL rkck, 4 checkpoints; diffrax's
///   checkpointing is of backprop, in `backprop`).
///
/// The tolerances are equal, not the accuracy (GSL's max-norm test is stricter
/// than the RMS norm): the checks print every gradient's error against a 1e-12
/// reference, and `W3-precision` compares at equal achieved error.
struct NodeBatchGradient: Workload {
    let name: String
    let problem: NodeBatch

    let methods: [NodeBatch.Method]

    static let names = ["W3", "W3-gsl", "W3-t10", "W3-t10-gsl"]

    init(name: String, data: BenchmarkData) throws {
        guard NodeBatchGradient.names.contains(name) else {
            throw BenchmarkError.unknownWorkload(name, known: NodeBatchGradient.names)
        }
        self.name = name
        problem = try NodeBatch(data: data, endTime: name.hasPrefix("W3-t10") ? 10 : 1)
        methods = name.hasSuffix("-gsl") ? [.forwardGSL, .checkpointed]
            : [.forward, .adjoint, .adjointDormandPrince54, .adjointTsitouras54, .adjointDormandPrince54Integral,
               .adjointTsitouras54Integral, .backprop]
    }

    var summary: String {
        String(format: "neural ODE on a batch of 256 (dim 32, hidden 64), t ∈ [0, %g], rtol 1e-6: %@", problem.endTime,
               methods.map(\.rawValue).joined(separator: ", "))
    }
    var measures: [String] { methods.map(\.rawValue) }
    let peerScript = "w3_peers.py"
    var defaultPeers: [String] { name.hasSuffix("-gsl") ? [] : ["torchdiffeq", "diffrax"] }

    func body(for measure: String) throws -> () throws -> Void {
        guard let method = NodeBatch.Method(rawValue: measure), methods.contains(method) else {
            throw BenchmarkError.unknownMeasure(workload: name, measure: measure, known: measures)
        }
        if method.isGradient { return { _ = try problem.gradient(method) } }
        return { _ = try problem.solve(method) }
    }

    func matrixWorkFloor(for measure: String) -> (() throws -> Void)? { nil }

    /// The reference (backprop through own Dormand–Prince 5(4) at 1e-12, and its
    /// agreement with the continuous adjoint at 1e-12), then for every measure and
    /// implementation: NFE (forward / backward) and the error (forward: max
    /// |x(t1) − ref|; gradients: ‖g − g_ref‖₂ / ‖g_ref‖₂ over all 4 192 parameters).
    func verify(peers: PeerProcess?) throws -> [String] {
        let reference = try NodeBatchReference.reference(problem)
        var lines = [
            String(format: "%@ reference: backprop through own dopri5 at rtol = atol = 1e-12 (%d steps, nfe %d), loss %.15g; "
                   + "continuous adjoint with GSL rk8pd at 1e-12 (nfe %d) differs by %.1e (relative 2-norm)",
                   name, reference.statistics.acceptedSteps, reference.statistics.functionEvaluations, reference.loss,
                   reference.adjointStatistics.functionEvaluations, reference.adjointDifference),
            "",
            String(format: "%@ accuracy at rtol 1e-6, atol 1e-8, t1 = %g (fwd: max |x(t1) − ref|; gradients: relative 2-norm error)",
                   name, problem.endTime),
            "",
        ]
        var rows: [[String]] = []
        for method in methods {
            if method.isGradient {
                let g = try problem.gradient(method)
                let error = try NodeBatch.flatten(g.parameters).relativeDifference(to: reference.gradient)
                rows.append([method.rawValue, "ResODE", "\(g.forward.functionEvaluations)", "\(g.backward.functionEvaluations)",
                             "\(g.forward.acceptedSteps) (\(g.forward.rejectedSteps))", MarkdownTable.scientific(error)])
            } else {
                let trajectory = try problem.solve(method)
                guard let x = trajectory.finalState else { continue }
                let error = try (x - reference.finalState).maxNorm()
                let s = trajectory.statistics
                rows.append([method.rawValue, "ResODE", "\(s.functionEvaluations)", "–", "\(s.acceptedSteps) (\(s.rejectedSteps))",
                             MarkdownTable.scientific(error)])
            }
            guard let peers else { continue }
            for implementation in defaultPeers {
                do {
                    let (result, outputs) = try peers.runSavingOutputs(script: peerScript, implementation: implementation,
                                                                       measure: method.rawValue,
                                                                       workload: problem.endTime == 1 ? "W3" : "W3-t10")
                    let error = method.isGradient ? try outputs.relativeDifference(to: reference.gradient)
                                                  : try (outputs - reference.finalState).maxNorm()
                    let steps = result.integer("steps").map { "\($0) (\(result.integer("rejected_steps") ?? 0))" } ?? "–"
                    rows.append([method.rawValue, "\(implementation) \(result.fields["method"] as? String ?? "")",
                                 MarkdownTable.integer(result.integer("nfe_fwd") ?? result.integer("nfe")),
                                 MarkdownTable.integer(result.integer("nfe_bwd")), steps, MarkdownTable.scientific(error)])
                } catch {
                    rows.append([method.rawValue, implementation, "failed: \(error)".prefix(80).description, "–", "–", "–"])
                }
            }
        }
        lines += MarkdownTable.lines(["measure", "implementation", "NFE fwd (diffrax: all)", "NFE bwd", "fwd steps (rejected)",
                                      "error"], rows)
        return lines + [""]
    }
}

/// The W3 reference per final time, computed once per process (the W3 workloads share it).
enum NodeBatchReference {
    nonisolated(unsafe) private static var cached: [Double: NodeBatch.Reference] = [:]

    static func reference(_ problem: NodeBatch) throws -> NodeBatch.Reference {
        if let reference = cached[problem.endTime] { return reference }
        let reference = try problem.reference()
        cached[problem.endTime] = reference
        return reference
    }
}
