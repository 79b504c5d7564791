// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// The continuous adjoint with checkpoints: the backward `x` restarts from the
/// forward solution at many points instead of drifting over the whole interval.
///
/// Scheme (all solves adaptive, GSL):
/// 1. Forward: integrate from `t₀` to `t_K` with output times on the grid
///    `T = {t₀ + i·(t_K − t₀)/N, i = 1…N} ∪ {t₁, …, t_K}` and store `x(Tᵢ)`: the checkpoints.
/// 2. Backward, for each checkpoint interval `[Tᵢ₋₁, Tᵢ]` from last to first:
///    - recompute: integrate `x` forward from the stored `x(Tᵢ₋₁)` and keep it at the
///      `M − 1` interior points `sⱼ = Tᵢ₋₁ + j·(Tᵢ − Tᵢ₋₁)/M`;
///    - for `j = M…1`, integrate the augmented system `[x, a, a_θ]`
///      (`x′ = f`, `a′ = −aᵀ∂f/∂x`, `a_θ′ = −aᵀ∂f/∂θ`) backwards from `sⱼ` to `sⱼ₋₁`,
///      then set `x(sⱼ₋₁)` to the recomputed (or stored) forward value;
///    - at an observation time add the jump `a ← a + ∂ℓ/∂x(tₖ)`.
///
/// So `x` is integrated backwards over at most `(t_K − t₀)/(N·M)` before it is
/// reset, and its drift (amplified like `exp(L·Δt)` on contracting dynamics) is
/// confined to that span; `a` and `a_θ` are never reset. With `M = 1` there is no
/// recomputation and `x` restarts at the checkpoints only.
///
/// The checkpoints and recomputed points are restart states, so those solves
/// step onto them (`GSLOutputMode.steppingOntoOutputTimes`, whatever the solver's
/// `outputMode`): there are few of them, and a Hermite value there would add its
/// `O(h⁴)` error to every restart.
///
/// Memory: `O(N + K + M)` states of `batch·d` values plus one augmented state of
/// `2·batch·d + P` values, independent of the number of steps. Cost: one forward
/// solve, one more forward solve in pieces (when `M > 1`), and the backward solve
/// restarted `N·M` times. Each recomputation and backward piece starts with a
/// trial step equal to the piece's length (`(t_K − t₀)/(N·M)` at most). The
/// recomputation is counted in the backward statistics. The backward error test
/// follows `errorNorm` (by default the seminorm on `x` and `a`; see `AdjointErrorNorm`).
///
/// Reference: Chen et al., “Neural Ordinary Differential Equations”, NeurIPS 2018;
/// Gholami, Keutzer & Biros, “ANODE”, IJCAI 2019 (checkpointing the adjoint);
/// Zhuang et al., “Adaptive Checkpoint Adjoint”, ICML 2020 (the drift of the
/// backward state); Kidger, Chen & Lyons, ICML 2021 (the seminorm).
public struct CheckpointedAdjoint: Sendable {
    /// The forward solver; its tolerances and step bounds also drive the backward solves.
    public var solver: GSLNeuralODESolver
    /// The stepper of the backward solves (must not use a Jacobian).
    public var backwardStepType: GSLStepType
    /// `N ≥ 1`: equal intervals of `[t₀, t_K]` whose end states are stored.
    public var checkpointCount: Int
    /// `M ≥ 1`: recomputed sub-intervals per checkpoint interval (1: none).
    public var recomputedPointsPerInterval: Int
    /// The components of `[x, a, a_θ]` the backward error test covers.
    public var errorNorm: AdjointErrorNorm
    /// The forward (and recomputing) solver when it is not `solver` (own schemes); `nil`: `solver`.
    public var forwardSolver: (any ODESolver)?
    /// Builds the backward solver from the backward options; `nil`: GSL's `backwardStepType`.
    public var makeBackwardSolver: (@Sendable (SolverOptions) throws -> any ODESolver)?
    /// The options the backward solver is built from, with `makeBackwardSolver`.
    public var backwardOptions: SolverOptions?

    /// A checkpointed adjoint on any solvers (see `ContinuousAdjoint.init(forward:options:errorNorm:backward:)`):
    /// `forward` computes the checkpoints and the recomputed points (an own solver
    /// reads them off its dense output), `backward(options)` integrates the
    /// augmented system piece by piece.
    public init(forward: any ODESolver, options: SolverOptions, checkpointCount: Int = 16,
                recomputedPointsPerInterval: Int = 4, errorNorm: AdjointErrorNorm = .seminorm,
                backward: @escaping @Sendable (SolverOptions) throws -> any ODESolver) {
        self.init(solver: GSLNeuralODESolver(stepType: .rkf45, options: options), checkpointCount: checkpointCount,
                  recomputedPointsPerInterval: recomputedPointsPerInterval, errorNorm: errorNorm)
        forwardSolver = forward
        makeBackwardSolver = backward
        backwardOptions = options
    }

    /// A checkpointed adjoint; the counts are checked when a gradient is computed.
    ///
    /// - Parameters:
    ///   - solver: the forward solver (any step type).
    ///   - backwardStepType: an explicit GSL step type; by default the forward
    ///     solver's own when it is explicit (the same scheme both ways, as torchdiffeq
    ///     and diffrax do), else `rkf45`.
    ///   - checkpointCount: `N`, the number of stored intervals.
    ///   - recomputedPointsPerInterval: `M`, the sub-intervals re-integrated per interval.
    ///   - errorNorm: `.seminorm` (test `x` and `a` only) by default, or `.fullState`.
    public init(solver: GSLNeuralODESolver, backwardStepType: GSLStepType? = nil,
                checkpointCount: Int = 16, recomputedPointsPerInterval: Int = 4,
                errorNorm: AdjointErrorNorm = .seminorm) {
        self.solver = solver
        self.backwardStepType = backwardStepType ?? solver.stepType.defaultBackwardStepType
        self.checkpointCount = checkpointCount
        self.recomputedPointsPerInterval = recomputedPointsPerInterval
        self.errorNorm = errorNorm
    }

    /// The loss `ℓ(x(t₁), …, x(t_K))` and its gradients with respect to `x₀` and `θ`.
    ///
    /// - Parameters: as `ContinuousAdjoint.gradient(of:initialState:from:observationTimes:loss:)`.
    /// - Throws: `ContinuousDepthError.invalidArgument` for `N < 1` or `M < 1` and as
    ///   `ContinuousAdjoint`.
    public func gradient(of field: some VectorField, initialState x0: Tensor, from t0: Double,
                         observationTimes: [Double], loss: ([Variable]) throws -> Variable) throws -> ODEGradient {
        guard checkpointCount >= 1 else {
            throw ContinuousDepthError.invalidArgument("checkpointCount must be at least 1; got \(checkpointCount)")
        }
        guard recomputedPointsPerInterval >= 1 else {
            throw ContinuousDepthError.invalidArgument(
                "recomputedPointsPerInterval must be at least 1; got \(recomputedPointsPerInterval)")
        }
        let schedule = try ObservationSchedule(initialTime: t0, times: observationTimes)
        let checkpointTimes = mergedCheckpointTimes(schedule)
        let observed = Set(schedule.times)

        // 1. Forward, keeping the checkpoints (stepped onto by GSL: they are restart states).
        var steppingSolver = solver
        steppingSolver.outputMode = .steppingOntoOutputTimes
        let forwardSolve: (Tensor, Double, Double, [Double]) throws -> Trajectory
        if let forwardSolver {
            forwardSolve = { x, start, end, times in try forwardSolver.solve(field, initialState: x, from: start, to: end, at: times) }
        } else {
            let forward = try steppingSolver.makeIntegrator(for: field, initialState: x0)
            forwardSolve = { x, start, end, times in try forward.solve(from: start, to: end, initial: x, at: times) }
        }
        let trajectory = try forwardSolve(x0, t0, schedule.finalTime, checkpointTimes)
        let times = [t0] + checkpointTimes
        let checkpoints = [x0] + trajectory.states
        let observedStates = zip(times, checkpoints).filter { observed.contains($0.0) }.map(\.1)
        let (value, observedCotangents) = try ObservationSchedule.evaluate(loss, at: observedStates)
        var cotangents: [Double: Tensor] = [:]
        for (time, cotangent) in zip(schedule.times, observedCotangents) { cotangents[time] = cotangent }

        // 2. Backward, interval by interval. Every solve from here on restarts on a
        // short piece, so its first trial step is the piece's length rather than
        // the configured initial step (which would cost a ramp-up per piece).
        let m = recomputedPointsPerInterval
        let longestPiece = zip(times, times.dropFirst()).map { abs($1 - $0) }.max() ?? 0
        var pieceConfiguration = steppingSolver
        pieceConfiguration.initialStepSize = longestPiece / Double(m)
        let recompute: (Tensor, Double, Double, [Double]) throws -> Trajectory
        let integrate: (inout [Double], Double, Double) throws -> SolverStatistics
        let dynamics: AdjointDynamics
        if let makeBackwardSolver, let backwardOptions {
            recompute = forwardSolve
            let integrator = try SolverAdjointIntegrator(field: field, batchSize: x0.shape[0], options: backwardOptions,
                                                         initialStepSize: pieceConfiguration.initialStepSize,
                                                         errorNorm: errorNorm, makeSolver: makeBackwardSolver)
            integrate = { s, start, end in try integrator.integrate(&s, from: start, to: end) }
            dynamics = integrator.field.dynamics
        } else {
            let recomputation = try pieceConfiguration.makeIntegrator(for: field, initialState: x0)
            recompute = { x, start, end, times in try recomputation.solve(from: start, to: end, initial: x, at: times) }
            let integrator = try AdjointIntegrator(field: field, batchSize: x0.shape[0], configuration: solver,
                                                   stepType: backwardStepType,
                                                   initialStepSize: pieceConfiguration.initialStepSize,
                                                   errorNorm: errorNorm)
            integrate = { s, start, end in try integrator.integrate(&s, from: start, to: end) }
            dynamics = integrator.dynamics
        }
        let last = times.count - 1
        guard let finalCotangent = cotangents[times[last]] else {
            throw ContinuousDepthError.invalidArgument("the final time \(times[last]) has no cotangent")
        }
        var s = dynamics.augmentedState(state: checkpoints[last], adjoint: finalCotangent)
        var statistics = SolverStatistics()
        for i in stride(from: last, through: 1, by: -1) {
            let (start, end) = (times[i - 1], times[i])
            let points = (0...m).map { j in j == m ? end : start + Double(j) * (end - start) / Double(m) }
            var recomputed = [checkpoints[i - 1]]
            if m > 1 {
                let piece = try recompute(checkpoints[i - 1], start, points[m - 1], Array(points[1..<m]))
                recomputed += piece.states
                statistics = statistics + piece.statistics
            }
            for j in stride(from: m, through: 1, by: -1) {
                statistics = statistics + (try integrate(&s, points[j], points[j - 1]))
                dynamics.replaceState(in: &s, with: recomputed[j - 1])
            }
            if let cotangent = cotangents[start] { dynamics.addCotangent(cotangent, to: &s) }
        }
        return ODEGradient(loss: value, initialState: try dynamics.adjoint(in: s),
                           parameters: try dynamics.parameterAdjoints(in: s),
                           forward: trajectory.statistics, backward: statistics)
    }

    /// The checkpoint grid `{t₀ + i·(t_K − t₀)/N}` merged with the observation times
    /// (a grid point closer than 10⁻⁹·|t_K − t₀| to an observation time gives way to it),
    /// ordered from `t₀`, without `t₀` itself.
    func mergedCheckpointTimes(_ schedule: ObservationSchedule) -> [Double] {
        let t0 = schedule.initialTime
        let span = schedule.finalTime - t0
        let direction: Double = span >= 0 ? 1 : -1
        let grid = (1..<checkpointCount).map { t0 + Double($0) * span / Double(checkpointCount) }
        let separate = grid.filter { point in
            !schedule.times.contains { abs($0 - point) <= 1e-9 * abs(span) }
        }
        return (separate + schedule.times).sorted { direction * ($0 - $1) < 0 }
    }
}
