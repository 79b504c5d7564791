// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// One GSL solver for the augmented adjoint system `[x, a, a_θ]` (see
/// `AdjointDynamics`), reused for every backward segment. Its error test covers
/// the components `errorNorm` names (see `AdjointErrorNorm`): the seminorm gives
/// GSL the weights `wᵢ = 1` on `x` and `a` and `wᵢ = 0` on `a_θ`.
final class AdjointIntegrator {
    let dynamics: AdjointDynamics
    /// Whether the augmented right-hand side is replayed from the field's trace
    /// (`ReplayedAdjointRightHandSide`) rather than recorded on a tape per evaluation.
    let replaysTrace: Bool
    private let solver: GSLODESolver

    /// - Parameters:
    ///   - configuration: tolerances and step limits (shared with the forward solve).
    ///   - stepType: the backward stepper; it must not need a Jacobian.
    ///   - initialStepSize: the first trial step of every segment.
    ///   - errorNorm: the components the step-size control tests.
    /// - Throws: `ContinuousDepthError.invalidArgument` for an implicit step type or a bad option.
    init(field: some VectorField, batchSize: Int, configuration: GSLNeuralODESolver,
         stepType: GSLStepType, initialStepSize: Double, errorNorm: AdjointErrorNorm) throws {
        guard !stepType.usesJacobian else {
            throw ContinuousDepthError.invalidArgument(
                "the backward step type \(stepType.rawValue) needs the Jacobian of the augmented adjoint system, "
                    + "which is not provided; use an explicit type such as rkf45 or rk8pd")
        }
        let dynamics = AdjointDynamics(field: field, batchSize: batchSize)
        // A traceable field's augmented right-hand side is replayed from its trace (no tape per
        // evaluation); an untraceable one is evaluated directly (`traceUnlessUntraceable`).
        let replay = try (field as? any TraceableField).flatMap { traceable in
            try traceUnlessUntraceable { try ReplayedAdjointRightHandSide(field: traceable, batchSize: batchSize) }
        }
        let system = GSLODESystem(dimension: dynamics.dimension, inPlaceRightHandSide: { t, s, dsdt in
            guard let replay else { return try dynamics.evaluate(t, s, &dsdt) }
            try s.withUnsafeBufferPointer { state in
                try dsdt.withUnsafeMutableBufferPointer { output in try replay.evaluate(t, state, output) }
            }
        })
        replaysTrace = replay != nil
        self.dynamics = dynamics
        let errorWeights: [Double]?
        switch errorNorm {
        case .fullState:
            errorWeights = nil
        case .seminorm:
            errorWeights = [Double](repeating: 1, count: 2 * dynamics.stateCount)
                + [Double](repeating: 0, count: dynamics.parameterCount)
        }
        // A per-component atol of the forward solve applies to x and to a alike;
        // a_θ gets the smallest of them.
        let absoluteTolerances = try configuration.absoluteTolerances.map { tolerances -> [Double] in
            let perState = try GSLBatchIntegrator.expand(tolerances, batchSize: batchSize, width: field.dimension)
            return perState + perState
                + [Double](repeating: tolerances.min() ?? configuration.absoluteTolerance, count: dynamics.parameterCount)
        }
        self.solver = try translatingSolverErrors {
            try GSLODESolver(system: system, stepType: stepType,
                             relativeTolerance: configuration.relativeTolerance,
                             absoluteTolerance: configuration.absoluteTolerance,
                             errorWeights: errorWeights,
                             initialStepSize: initialStepSize,
                             minimumStepSize: configuration.minimumStepSize,
                             maximumStepSize: configuration.maximumStepSize,
                             maximumSteps: configuration.maximumSteps, keepsDenseOutput: false,
                             absoluteTolerances: absoluteTolerances,
                             errorNorm: configuration.errorNorm == .rootMeanSquare ? .rootMeanSquare : .maximum,
                             maximumEvaluations: configuration.maximumEvaluations)
        }
    }

    /// Integrates the augmented state `s` from `start` to `end` (usually `end < start`)
    /// and replaces it by the result. `maximumSteps` bounds this segment.
    /// - Returns: the segment's statistics.
    func integrate(_ s: inout [Double], from start: Double, to end: Double) throws -> SolverStatistics {
        let solution = try translatingSolverErrors(of: solver) {
            try solver.solve(from: start, to: end, initial: s, at: [end])
        }
        guard let final = solution.finalState else {
            throw ContinuousDepthError.invalidArgument("the backward solve from t = \(start) to \(end) returned no state")
        }
        s = final
        return SolverStatistics(solution.statistics)
    }
}
