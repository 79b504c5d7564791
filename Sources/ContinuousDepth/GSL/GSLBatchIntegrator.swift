// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// One GSL solver bound to a field and a batch size, reused for many
/// trajectories (the adjoints re-integrate interval by interval with it).
final class GSLBatchIntegrator {
    let system: BatchODESystem
    private let solver: GSLODESolver

    /// - Throws: `ContinuousDepthError.invalidArgument` for a bad tolerance, step
    ///   size or step limit (GSL's own checks, translated).
    init(field: some VectorField, batchSize: Int, configuration: GSLNeuralODESolver,
         keepsDenseOutput: Bool = false) throws {
        let system = try BatchODESystem(field: field, batchSize: batchSize)
        self.system = system
        let absoluteTolerances = try configuration.absoluteTolerances.map { try Self.expand($0, batchSize: batchSize, width: field.dimension) }
        self.solver = try translatingSolverErrors {
            try GSLODESolver(system: system.gslSystem, stepType: configuration.stepType,
                             relativeTolerance: configuration.relativeTolerance,
                             absoluteTolerance: configuration.absoluteTolerance,
                             initialStepSize: configuration.initialStepSize,
                             minimumStepSize: configuration.minimumStepSize,
                             maximumStepSize: configuration.maximumStepSize,
                             maximumSteps: configuration.maximumSteps,
                             outputMode: configuration.outputMode, keepsDenseOutput: keepsDenseOutput,
                             absoluteTolerances: absoluteTolerances,
                             errorNorm: configuration.errorNorm == .rootMeanSquare ? .rootMeanSquare : .maximum,
                             maximumEvaluations: configuration.maximumEvaluations)
        }
    }

    /// Adaptive solve from `x(t0) = x0` with the states at `outputTimes`, locating
    /// `events` on each accepted step's Hermite cubic (`EventLocator`); a terminal
    /// one ends the solve and the output times after it are left out.
    func solve(from t0: Double, to t1: Double, initial x0: Tensor, at outputTimes: [Double],
               events: [ODEEvent] = []) throws -> Trajectory {
        try checkShape(of: x0)
        let (solution, occurrences) = try solveLocating(events, from: t0, to: t1, initial: x0, at: outputTimes)
        return try trajectory(from: solution, events: occurrences)
    }

    /// The GSL solve with an event-locating step observer when there are events.
    private func solveLocating(_ events: [ODEEvent], from t0: Double, to t1: Double, initial x0: Tensor,
                               at outputTimes: [Double]) throws -> (GSLODESolution, [ODEEventOccurrence]) {
        guard !events.isEmpty else {
            return (try translatingSolverErrors(of: solver) {
                try solver.solve(from: t0, to: t1, initial: x0.scalars, at: outputTimes)
            }, [])
        }
        let shape = system.stateShape
        var locator = try EventLocator(events, at: t0, state: x0, statistics: SolverStatistics())
        var occurrences: [ODEEventOccurrence] = []
        let solution = try translatingSolverErrors(of: solver) {
            try solver.solve(from: t0, to: t1, initial: x0.scalars, at: outputTimes) { step in
                let found = try locator.occurrences(
                    from: step.start, to: step.end, stateAtEnd: try Tensor(shape: shape, scalars: step.endState),
                    statistics: SolverStatistics(step.statistics)) { t in
                        try Tensor(shape: shape, scalars: try translatingSolverErrors { try step.state(at: t) })
                    }
                occurrences += found
                return found.last(where: \.isTerminal)?.time
            }
        }
        return (solution, occurrences)
    }

    /// Adaptive solve from `x(t0) = x0` to `t1`, the states saved at every step end
    /// (`t0` first), with the Hermite interpolant when the integrator keeps dense output.
    func solveSavingEveryStep(from t0: Double, to t1: Double, initial x0: Tensor,
                              events: [ODEEvent] = []) throws -> Trajectory {
        try checkShape(of: x0)
        let (solution, occurrences) = try solveLocating(events, from: t0, to: t1, initial: x0, at: [t1])
        guard let dense = solution.denseOutput else {
            throw ContinuousDepthError.invalidArgument("saving every step needs the integrator's dense output")
        }
        let shape = system.stateShape
        var times = dense.times
        var states = try (0..<dense.times.count).map { try Tensor(shape: shape, scalars: dense.state(atKnot: $0)) }
        let terminal = occurrences.last { $0.isTerminal }
        if let terminal {
            // The step grid ends with the event's state.
            times.removeLast()
            states.removeLast()
            if times.last != terminal.time {
                times.append(terminal.time)
                states.append(terminal.state)
            }
        }
        return Trajectory(times: times, states: states, statistics: SolverStatistics(solution.statistics),
                          nextStepSize: solution.nextStepSize, events: occurrences,
                          interpolant: GSLHermiteInterpolant(dense, stateShape: shape, reachedTime: terminal?.time))
    }

    /// `atol` for the flat state: 1 value (all), `d` values (each row alike) or `batch·d`.
    static func expand(_ tolerances: [Double], batchSize: Int, width: Int) throws -> [Double] {
        switch tolerances.count {
        case 1: return [Double](repeating: tolerances[0], count: batchSize * width)
        case width: return (0..<batchSize).flatMap { _ in tolerances }
        case batchSize * width: return tolerances
        default:
            throw ContinuousDepthError.invalidOption(
                name: "absoluteTolerance",
                reason: "has \(tolerances.count) values; a state of shape [\(batchSize), \(width)] needs 1, \(width) or \(batchSize * width)")
        }
    }

    /// `stepCount` equal steps of the stepper, every state saved.
    func solve(from t0: Double, to t1: Double, initial x0: Tensor, stepCount: Int) throws -> Trajectory {
        try checkShape(of: x0)
        let solution = try translatingSolverErrors(of: solver) {
            try solver.solve(from: t0, to: t1, initial: x0.scalars, stepCount: stepCount)
        }
        return try trajectory(from: solution)
    }

    private func trajectory(from solution: GSLODESolution, events: [ODEEventOccurrence] = []) throws -> Trajectory {
        let shape = system.stateShape
        let reached = events.last { $0.isTerminal }?.time
        return Trajectory(times: solution.times,
                          states: try solution.states.map { try Tensor(shape: shape, scalars: $0) },
                          statistics: SolverStatistics(solution.statistics),
                          nextStepSize: solution.nextStepSize, events: events,
                          interpolant: solution.denseOutput.map { GSLHermiteInterpolant($0, stateShape: shape, reachedTime: reached) })
    }

    private func checkShape(of x0: Tensor) throws {
        guard x0.shape == system.stateShape else {
            throw ContinuousDepthError.invalidArgument(
                "the initial state must have shape \(system.stateShape); got \(x0.shape)")
        }
    }
}
