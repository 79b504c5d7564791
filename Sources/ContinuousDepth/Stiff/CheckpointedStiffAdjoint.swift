// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The stiff adjoint (`StiffAdjoint`: Kvaerno5 both ways, `x(t)` read off a
/// forward dense output, never integrated backwards) with checkpoints, so that
/// only one interval's dense output is held at a time:
///
/// 1. Forward: Kvaerno5 from `t₀` to `t_K`, landing on the observation times and on the
///    checkpoint boundaries `Bᵢ = t₀ + i·(t_K − t₀)/N`, `i = 1…N−1` (a boundary within
///    `10⁻⁹·|t_K − t₀|` of an observation time becomes that time); keep
///    `x(B₀ = t₀), …, x(B_{N−1})` and the cotangents `∂ℓ/∂x(tₖ)`, no dense output.
/// 2. Backward, for `i = N…1`, with `a(t_K) = ∂ℓ/∂x(t_K)`:
///    - re-solve `x` by Kvaerno5 from the stored `x(Bᵢ₋₁)` over `[Bᵢ₋₁, Bᵢ]`, landing on the
///      observation times inside, keeping its cubic Hermite dense output;
///    - integrate `a′ = −J(x(t))ᵀ a` and `a_θ′ = −(∂f/∂θ)ᵀ a` back from `Bᵢ` to `Bᵢ₋₁` on it
///      exactly as `StiffAdjoint` does (`StiffAdjointSweep`: Kvaerno5, the seminorm,
///      `a ← a + ∂ℓ/∂x(tₖ)` at each observation time, including `Bᵢ₋₁` when observed);
///    - drop that dense output.
///
/// Observation times inside an interval are landing points and jumps of its re-solve
/// and sweep, not extra checkpoints, so `K` observations add no restarts.
///
/// Memory: `N` states and `K` cotangents of `batch·d` values, plus the Hermite pieces
/// (four states each) of the one interval being swept, which is at most the accepted
/// steps of the interval that needs the most (`StiffAdjointResult.largestDenseOutputPieceCount`)
/// instead of all forward steps. Cost: the forward solve twice (once whole, once in `N`
/// pieces, each restarting with Hairer's first-step estimate and a short ramp-up), and the
/// backward sweep of `StiffAdjoint` split into `N` more segments; the re-solves are counted in
/// the backward statistics. The re-solved `x` differs from the first forward solve's by the
/// tolerance (the steps differ), so the gradient agrees with `StiffAdjoint`'s within a
/// tolerance-proportional bound, not bit for bit. Stage times outside the interval
/// (Kvaerno5's `c₃ ≈ 1.23`) read the dense output's extrapolated end cubic, as `StiffAdjoint`
/// does at `t₀`.
///
/// Reference: Chen, Rubanova, Bettencourt & Duvenaud, “Neural Ordinary Differential
/// Equations”, NeurIPS 2018 (the adjoint); Gholami, Keutzer & Biros, “ANODE”, IJCAI 2019
/// (checkpointing the adjoint, re-solving forwards per interval); Hairer & Wanner,
/// *Solving ODEs II*, §IV.8 (implementing implicit Runge–Kutta methods).
public struct CheckpointedStiffAdjoint: Sendable {
    /// Tolerances and step bounds of every solve (forward, re-solves, backward).
    public let options: SolverOptions
    /// `N ≥ 1`: the equal intervals of `[t₀, t_K]` whose start states are stored.
    public let checkpointCount: Int
    public let maximumNewtonIterations: Int

    /// - Throws: `ContinuousDepthError.invalidOption(name: "checkpointCount", …)` below 1 or
    ///   above `options.maximumSteps`;
    ///   `.invalidOption(name: "maximumNewtonIterations", …)` below 1.
    public init(options: SolverOptions, checkpointCount: Int = 16, maximumNewtonIterations: Int = 10) throws {
        guard checkpointCount >= 1 else {
            throw ContinuousDepthError.invalidOption(name: "checkpointCount",
                                                     reason: "must be at least 1; got \(checkpointCount)")
        }
        // Each interval takes at least one step of the forward solve, so more cannot succeed.
        guard checkpointCount <= options.maximumSteps else {
            throw ContinuousDepthError.invalidOption(
                name: "checkpointCount",
                reason: "must not exceed maximumSteps (\(options.maximumSteps)), since every interval takes a step; "
                    + "got \(checkpointCount)")
        }
        _ = try Kvaerno5Solver(options: options, maximumNewtonIterations: maximumNewtonIterations)
        self.options = options
        self.checkpointCount = checkpointCount
        self.maximumNewtonIterations = maximumNewtonIterations
    }

    /// The loss `ℓ(x(t₁), …, x(t_K))` and its gradients with respect to `x₀` and the field's parameters.
    ///
    /// - Throws: `ContinuousDepthError` for bad times, shapes or options and solver failures;
    ///   `AutodiffError.nonScalarOutput` for a non-scalar loss; the field's own errors.
    public func gradient(of field: some VectorField, initialState x0: Tensor, from t0: Double,
                         observationTimes: [Double], loss: ([Variable]) throws -> Variable) throws -> ODEGradient {
        try measuredGradient(of: field, initialState: x0, from: t0, observationTimes: observationTimes, loss: loss).gradient
    }

    /// As `gradient`, with the implicit work of both passes (the re-solves in the backward
    /// one), the checkpoints stored and the most dense-output pieces held at once.
    ///
    /// - Throws: as `gradient(of:initialState:from:observationTimes:loss:)`.
    public func measuredGradient(of field: some VectorField, initialState x0: Tensor, from t0: Double,
                                 observationTimes: [Double], loss: ([Variable]) throws -> Variable) throws
        -> StiffAdjointResult {
        let schedule = try ObservationSchedule(initialTime: t0, times: observationTimes)
        let solver = try Kvaerno5Solver(options: options, maximumNewtonIterations: maximumNewtonIterations)
        let theta = field.parameters.values
        let constants = theta.map { Variable($0) }
        let boundaries = checkpointBoundaries(schedule)
        let direction: Double = schedule.finalTime > t0 ? 1 : -1

        // 1. Forward: the states at the boundaries and at the observation times, no dense output.
        var checkpoints = [x0]
        let (value, observedCotangents, forward): (Double, [Tensor], ImplicitSolverStatistics)
        do {
            let outputTimes = (Array(boundaries.dropFirst()) + schedule.times)
                .sorted { direction * ($0 - $1) < 0 }
            let solve = try solver.solveCountingImplicitWork(
                field, initialState: Variable(x0), parameters: constants, from: t0, to: schedule.finalTime,
                saving: .times(outputTimes))
            var stateAt: [Double: Tensor] = [:]
            for (time, state) in zip(solve.trajectory.times, solve.trajectory.states) { stateAt[time] = state.value }
            let observed = try schedule.times.map { time in
                guard let state = stateAt[time] else {
                    throw ContinuousDepthError.invalidArgument("the forward solve did not land on observation time \(time)")
                }
                return state
            }
            for time in boundaries.dropFirst().dropLast() {
                guard let state = stateAt[time] else {
                    throw ContinuousDepthError.invalidArgument("the forward solve did not land on checkpoint \(time)")
                }
                checkpoints.append(state)
            }
            (value, observedCotangents) = try ObservationSchedule.evaluate(loss, at: observed)
            forward = solve.statistics
        }
        var cotangentAt: [Double: Tensor] = [:]
        for (time, cotangent) in zip(schedule.times, observedCotangents) { cotangentAt[time] = cotangent }

        // 2. Backward, interval by interval from the last; each interval's dense output lives for one pass of the loop.
        let sweep = StiffAdjointSweep(options: options, controller: solver.controller,
                                      maximumNewtonIterations: maximumNewtonIterations)
        var a = observedCotangents[observedCotangents.count - 1]
        var parameterGradient = theta.map { Tensor.zeros(like: $0) }
        var backward = ImplicitSolverStatistics()
        var largestPieceCount = 0
        for i in stride(from: boundaries.count - 1, through: 1, by: -1) {
            let (start, end) = (boundaries[i - 1], boundaries[i])
            let inside = schedule.times.filter { direction * ($0 - start) > 0 && direction * (end - $0) > 0 }
            let resolve = try solver.solveCountingImplicitWork(
                field, initialState: Variable(checkpoints[i - 1]), parameters: constants, from: start, to: end,
                saving: .times(inside + [end]), keepingDenseOutput: true)
            backward = backward + resolve.statistics
            guard let interpolant = resolve.trajectory.interpolant as? HermiteDenseOutput else {
                throw ContinuousDepthError.invalidArgument("the re-solve of [\(start), \(end)] kept no dense output")
            }
            largestPieceCount = Swift.max(largestPieceCount, interpolant.pieceCount)
            let system = AdjointStiffSystem(field, forward: interpolant, batch: x0.shape[0], parameters: theta,
                                            tolerance: options.tolerance)
            let jumps: [Tensor?] = inside.reversed().map { cotangentAt[$0] } + [cotangentAt[start]]
            a = try sweep.integrate(system, from: a, through: [end] + inside.reversed() + [start], jumps: jumps,
                                    parameterGradient: &parameterGradient)
            backward = backward + system.statistics
        }
        let gradient = ODEGradient(loss: value, initialState: a, parameters: parameterGradient,
                                   forward: forward.solverStatistics, backward: backward.solverStatistics)
        return StiffAdjointResult(gradient: gradient, forward: forward, backward: backward,
                                  largestDenseOutputPieceCount: largestPieceCount, storedStateCount: checkpoints.count)
    }

    /// `t₀ = B₀, B₁, …, B_N = t_K`: the equal division of `[t₀, t_K]` into `N` intervals,
    /// an interior point within `10⁻⁹·|t_K − t₀|` of an observation time moved onto it
    /// (so the forward solve takes no vanishing step between the two).
    func checkpointBoundaries(_ schedule: ObservationSchedule) -> [Double] {
        let t0 = schedule.initialTime, span = schedule.finalTime - t0
        var boundaries = [t0]
        for i in 1..<checkpointCount {
            let point = t0 + Double(i) * span / Double(checkpointCount)
            let snapped = schedule.times.first { Swift.abs($0 - point) <= 1e-9 * Swift.abs(span) } ?? point
            if snapped != boundaries[boundaries.count - 1] { boundaries.append(snapped) }
        }
        if boundaries[boundaries.count - 1] != schedule.finalTime { boundaries.append(schedule.finalTime) }
        return boundaries
    }
}
