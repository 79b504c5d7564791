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
    init(field: some VectorField, batchSize: Int, configuration: GSLNeuralODESolver) throws {
        let system = try BatchODESystem(field: field, batchSize: batchSize)
        self.system = system
        self.solver = try translatingSolverErrors {
            try GSLODESolver(system: system.gslSystem, stepType: configuration.stepType,
                             relativeTolerance: configuration.relativeTolerance,
                             absoluteTolerance: configuration.absoluteTolerance,
                             initialStepSize: configuration.initialStepSize,
                             minimumStepSize: configuration.minimumStepSize,
                             maximumStepSize: configuration.maximumStepSize,
                             maximumSteps: configuration.maximumSteps,
                             outputMode: configuration.outputMode, keepsDenseOutput: false)
        }
    }

    /// Adaptive solve from `x(t0) = x0` with the states at `outputTimes`.
    func solve(from t0: Double, to t1: Double, initial x0: Tensor, at outputTimes: [Double]) throws -> Trajectory {
        try checkShape(of: x0)
        let solution = try translatingSolverErrors {
            try solver.solve(from: t0, to: t1, initial: x0.scalars, at: outputTimes)
        }
        return try trajectory(from: solution)
    }

    /// `stepCount` equal steps of the stepper, every state saved.
    func solve(from t0: Double, to t1: Double, initial x0: Tensor, stepCount: Int) throws -> Trajectory {
        try checkShape(of: x0)
        let solution = try translatingSolverErrors {
            try solver.solve(from: t0, to: t1, initial: x0.scalars, stepCount: stepCount)
        }
        return try trajectory(from: solution)
    }

    private func trajectory(from solution: GSLODESolution) throws -> Trajectory {
        let shape = system.stateShape
        return Trajectory(times: solution.times,
                          states: try solution.states.map { try Tensor(shape: shape, scalars: $0) },
                          statistics: SolverStatistics(solution.statistics),
                          nextStepSize: solution.nextStepSize)
    }

    private func checkShape(of x0: Tensor) throws {
        guard x0.shape == system.stateShape else {
            throw ContinuousDepthError.invalidArgument(
                "the initial state must have shape \(system.stateShape); got \(x0.shape)")
        }
    }
}
