// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// The W2 node-spiral problem: 20 initial states of the 2-d `CubicTanhField`,
/// solved as one system of 40 equations on `t ∈ [0, 25]`, with the state saved
/// at the 1000 times of `w2_ts.npy` (t = 0 included), and the ways ResODE solves it.
struct NodeSpiral {
    let field: CubicTanhField
    /// `x(0)`, `[20, 2]`.
    let initialState: Tensor
    /// The output times, `t0 = times[0]` … `t1 = times.last`.
    let times: [Double]
    var startTime: Double { times[0] }
    var endTime: Double { times[times.count - 1] }

    /// The tolerances of the workload (rtol 1e-7, atol 1e-9).
    static let relativeTolerance = 1e-7
    static let absoluteTolerance = 1e-9
    /// GSL's first trial step (GSL has no automatic choice); the C baseline uses the same.
    static let gslInitialStep = 1e-3

    init(data: BenchmarkData) throws {
        field = try CubicTanhField(weights: try ["w2_W1", "w2_b1", "w2_W2", "w2_b2"].map { try data.array($0) })
        initialState = try data.array("w2_x0")
        times = try data.array("w2_ts").scalars
        guard initialState.rank == 2, initialState.shape[1] == field.dimension, times.count >= 2,
              zip(times, times.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw BenchmarkError.badInput("W2 inputs: x0 \(initialState.shape) for dimension \(field.dimension), "
                                          + "\(times.count) output times (need ≥ 2, increasing)")
        }
    }

    /// One way of solving W2: ResODE's own Dormand–Prince 5(4) (RMS error norm,
    /// dense output at the 1000 times; the other own pairs are in `W2-own`) or a
    /// GSL stepper (max-norm error test), stepping onto every output time (GSL's
    /// driver behaviour, what the C baseline does) or stepping freely with the
    /// Hermite dense output (`-dense`).
    enum Method: Hashable, CustomStringConvertible {
        case dormandPrince54
        case gsl(GSLStepType, GSLOutputMode)

        /// The methods the workload times, in table order.
        static let all: [Method] = [.dormandPrince54]
            + [GSLStepType.rkf45, .rkck, .rk8pd].flatMap { [.gsl($0, .steppingOntoOutputTimes), .gsl($0, .interpolating)] }
            + [.gsl(.msadams, .steppingOntoOutputTimes)]

        var description: String {
            switch self {
            case .dormandPrince54: return "dopri5"
            case .gsl(let type, .steppingOntoOutputTimes): return "gsl-\(type.rawValue)"
            case .gsl(let type, .interpolating): return "gsl-\(type.rawValue)-dense"
            }
        }
    }

    /// The states at all output times, solved by `method` at `rtol`, `atol`.
    func solve(_ method: Method, relativeTolerance rtol: Double = relativeTolerance,
               absoluteTolerance atol: Double = absoluteTolerance) throws -> Trajectory {
        switch method {
        case .dormandPrince54:
            let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: rtol, absoluteTolerance: atol,
                                                      maximumSteps: 1_000_000)
            return try solver.solve(field, initialState: initialState, from: startTime, to: endTime, at: times)
        case let .gsl(type, mode):
            let solver = GSLNeuralODESolver(stepType: type, relativeTolerance: rtol, absoluteTolerance: atol,
                                            initialStepSize: NodeSpiral.gslInitialStep, maximumSteps: 1_000_000,
                                            outputMode: mode)
            return try solver.solve(field, initialState: initialState, from: startTime, to: endTime, at: times)
        }
    }

    /// All outputs as one tensor `[times, batch, d]` (the layout of the peers' files).
    func stacked(_ trajectory: Trajectory) throws -> Tensor {
        let shape = [trajectory.states.count] + initialState.shape
        return try Tensor(shape: shape, scalars: trajectory.states.flatMap(\.scalars))
    }

    /// The error of a solution `[times, batch, d]` against the reference:
    /// `final` = max |x(25) − ref(25)| over the batch, `all` = the same maximum over all outputs.
    static func errors(of solution: Tensor, against reference: Tensor) throws -> (final: Double, all: Double) {
        guard solution.shape == reference.shape, let steps = reference.shape.first, steps > 0 else {
            throw BenchmarkError.badInput("W2 solution of shape \(solution.shape) against a reference of shape \(reference.shape)")
        }
        let perTime = reference.count / steps
        var final = 0.0, all = 0.0
        for i in 0..<reference.count {
            let e = Swift.abs(solution.scalars[i] - reference.scalars[i])
            all = Swift.max(all, e.isNaN ? .infinity : e)
            if i >= reference.count - perTime { final = Swift.max(final, e.isNaN ? .infinity : e) }
        }
        return (final, all)
    }
}
