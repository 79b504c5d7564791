// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// W4-adjoint: memory and time of the two stiff adjoints on a long stiff
/// integration. The W4 field (`StiffNodeBatch`: stiffness 10⁴, d = 16) on the
/// first 64 rows of `w4_x0`, from 0 to t1 = 10, rtol 1e-6, atol 1e-8, loss
/// `½‖x(t1)‖²`: `StiffAdjoint` (the whole forward dense output held) against
/// `CheckpointedStiffAdjoint` with N = 16 (16 to 31 checkpoints every `M` forward
/// steps, one interval's dense output held, the forward solved twice). Memory is counted, not sampled: the most cubic Hermite pieces held at
/// once (four states of 64·16 doubles each) plus the stored checkpoint states.
/// The rounds time one gradient of each (measures `stiff-adjoint`,
/// `checkpointed-stiff-adjoint`), interleaved; the check prints the counts and
/// the two gradients' relative difference.
struct StiffAdjointCheckpointing: Workload {
    let name = "W4-adjoint"
    let problem: StiffNodeBatch
    let measures = ["stiff-adjoint", "checkpointed-stiff-adjoint"]
    let peerScript = "w4_peers.py"
    let defaultPeers: [String] = []
    var summary: String {
        "stiff neural ODE batch (64 × 16) to t1 = 10: StiffAdjoint against CheckpointedStiffAdjoint (N = 16), time and dense-output memory"
    }

    static let endTime = 10.0
    static let checkpointCount = 16

    init(data: BenchmarkData) throws {
        problem = try StiffNodeBatch(data: data, batch: 64)
    }

    var options: SolverOptions {
        get throws {
            try SolverOptions(relativeTolerance: StiffNodeBatch.relativeTolerance,
                              absoluteTolerance: StiffNodeBatch.absoluteTolerance)
        }
    }

    /// One gradient of `½‖x(t1)‖²` by the named method, with its counts.
    func gradient(_ measure: String) throws -> StiffAdjointResult {
        let loss = { (states: [Variable]) throws -> Variable in try (states[0] * states[0]).sum() * 0.5 }
        let x0 = problem.initialState
        switch measure {
        case "stiff-adjoint":
            return try StiffAdjoint(options: options).measuredGradient(
                of: problem.field, initialState: x0, from: 0, observationTimes: [Self.endTime], loss: loss)
        case "checkpointed-stiff-adjoint":
            return try CheckpointedStiffAdjoint(options: options, checkpointCount: Self.checkpointCount).measuredGradient(
                of: problem.field, initialState: x0, from: 0, observationTimes: [Self.endTime], loss: loss)
        default:
            throw BenchmarkError.unknownMeasure(workload: name, measure: measure, known: measures)
        }
    }

    func body(for measure: String) throws -> () throws -> Void {
        _ = try gradient(measure)
        return { _ = try gradient(measure) }
    }

    func matrixWorkFloor(for measure: String) -> (() throws -> Void)? { nil }

    func verify(peers: PeerProcess?) throws -> [String] {
        let states = Double(problem.initialState.count)
        func mebibytes(_ r: StiffAdjointResult) -> String {
            let doubles = (4 * Double(r.largestDenseOutputPieceCount) + Double(r.storedStateCount)) * states
            return String(format: "%.2f", doubles * 8 / 1_048_576)
        }
        var rows: [[String]] = []
        var gradients: [Tensor] = []
        for measure in measures {
            FileHandle.standardError.write(Data("  W4-adjoint \(measure)\n".utf8))
            let r = try gradient(measure)
            gradients.append(try Tensor.concatenate(([r.gradient.initialState] + r.gradient.parameters)
                .map { try $0.reshaped(to: [-1]) }))
            rows.append([measure, "\(r.forward.acceptedSteps)", "\(r.largestDenseOutputPieceCount)",
                         "\(r.storedStateCount)", mebibytes(r),
                         "\(r.backward.functionEvaluations) / \(r.backward.jacobianEvaluations) / "
                             + "\(r.backward.luFactorizations) / \(r.backward.acceptedSteps)"])
        }
        let difference = try gradients[1].relativeDifference(to: gradients[0])
        return ["", "W4-adjoint (batch 64 × 16, t1 = 10, rtol 1e-6, atol 1e-8, N = 16; held = Hermite pieces at once, "
                + "MiB = (4·pieces + stored states)·64·16·8 bytes; backward: NFE / Jacobians / LU / accepted steps, re-solves included)", ""]
            + MarkdownTable.lines(["method", "forward steps", "pieces held", "states stored", "MiB held", "backward"], rows)
            + ["", String(format: "W4-adjoint: relative difference of the two gradients %.1e", difference), ""]
    }
}
