// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// W2 node-spiral, forward solve: 20 spirals of the 2-d field
/// `f(x) = tanh(x³·W1ᵀ + b1)·W2ᵀ + b2` as one system of 40 equations on
/// `[0, 25]`, the state saved at 1000 times, rtol 1e-7, atol 1e-9.
///
/// One workload per ResODE method, so each row of the tables has the peers that
/// do the same thing:
/// - `W2`: ResODE's own Dormand–Prince 5(4), RMS error norm and dense output, as
///   torchdiffeq's `dopri5` and diffrax's `Dopri5` (and SciPy's DOP853 / RK45).
/// - `W2-rkf45`, `W2-rkck`, `W2-rk8pd`, `W2-msadams`: GSL's steppers through
///   `GSLNeuralODESolver` (max-norm error test, a step onto every output time),
///   against the same GSL solve written directly in C (`c-baseline/w2_gsl.c`:
///   peer `c-gsl` with libm's tanh, `c-gsl-vtanh` with ResODE's own vectorised
///   tanh kernel, which leaves only the overhead of ResODE's Swift layers).
/// - `W2-rkf45-dense`, `W2-rkck-dense`, `W2-rk8pd-dense`: the same steppers
///   stepping freely, the outputs read off the Hermite dense output
///   (`GSLOutputMode.interpolating`); the check times them against the stepping
///   solve, interleaved, and prints both solves' NFE and errors side by side.
///
/// Equal tolerances do not mean equal accuracy here (GSL's max norm is tighter
/// than the RMS norm, and GSL's steps are cut by the 1000 output times), so the
/// checks print each solve's error against a 1e-13 reference, and `W2-precision`
/// compares the methods at equal achieved error.
struct NodeSpiralSolve: Workload {
    let name: String
    let method: NodeSpiral.Method
    let problem: NodeSpiral
    let data: BenchmarkData

    /// The workload names, one per method.
    static let names = NodeSpiral.Method.all.map(workloadName(for:))

    static func workloadName(for method: NodeSpiral.Method) -> String {
        switch method {
        case .dormandPrince54: return "W2"
        case .gsl(let type, .steppingOntoOutputTimes): return "W2-\(type.rawValue)"
        case .gsl(let type, .interpolating): return "W2-\(type.rawValue)-dense"
        }
    }

    init(name: String, data: BenchmarkData) throws {
        guard let method = NodeSpiral.Method.all.first(where: { NodeSpiralSolve.workloadName(for: $0) == name }) else {
            throw BenchmarkError.unknownWorkload(name, known: NodeSpiralSolve.names)
        }
        self.name = name
        self.method = method
        self.problem = try NodeSpiral(data: data)
        self.data = data
    }

    var summary: String {
        switch method {
        case .dormandPrince54:
            return "node-spiral forward solve, own Dormand–Prince 5(4) with dense output, 1000 outputs, rtol 1e-7"
        case .gsl(let type, let mode):
            return "node-spiral forward solve, GSL \(type.rawValue) via GSLNeuralODESolver, 1000 outputs "
                + (mode == .interpolating ? "interpolated" : "stepped onto") + ", rtol 1e-7"
        }
    }
    let measures = ["fwd"]
    let peerScript = "w2_peers.py"
    var defaultPeers: [String] {
        switch method {
        case .dormandPrince54: return ["torchdiffeq", "diffrax", "scipy-DOP853", "scipy-RK45"]
        case .gsl(_, .steppingOntoOutputTimes): return ["c-gsl", "c-gsl-vtanh", "c-gsl-blas-vtanh"]
        // No peer steps GSL freely with a Hermite interpolant; the check compares with stepping.
        case .gsl(_, .interpolating): return []
        }
    }

    func body(for measure: String) throws -> () throws -> Void {
        guard measure == "fwd" else { throw BenchmarkError.unknownMeasure(workload: name, measure: measure, known: measures) }
        return { _ = try problem.solve(method) }
    }

    func matrixWorkFloor(for measure: String) -> (() throws -> Void)? { nil }
}
