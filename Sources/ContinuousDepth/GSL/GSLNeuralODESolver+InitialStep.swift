// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension GSLNeuralODESolver {
    /// The same solver with its first trial step chosen by Hairer's starting-step
    /// algorithm for this field and initial state (two evaluations of `f`),
    /// instead of a fixed guess: GSL has no automatic first step, and a step far
    /// below the eventual one costs several ramp-up steps in every solve — in the
    /// adjoint, in both directions. The same magnitude serves the backward solves
    /// of `ContinuousAdjoint` and `CheckpointedAdjoint`.
    ///
    /// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.4 (see `InitialStepSize`).
    /// - Throws: `ContinuousDepthError` for bad tolerances or a non-finite `f(t0, x0)`; the field's errors.
    public func estimatingInitialStep(for field: some VectorField, initialState x0: Tensor,
                                      from t0: Double, to t1: Double) throws -> GSLNeuralODESolver {
        let span = Swift.abs(t1 - t0)
        guard span > 0 else { return self }
        let tolerance = try ErrorTolerance(relative: relativeTolerance, absolute: absoluteTolerance)
        let f0 = try field.evaluate(x0, time: t0)
        guard f0.isFinite else { throw ContinuousDepthError.nonFinite(time: t0, statistics: SolverStatistics(functionEvaluations: 1)) }
        let h = try InitialStepSize.hairer(order: stepType.order ?? 5, tolerance: tolerance, at: t0, state: x0,
                                           derivative: f0, direction: t1 > t0 ? 1 : -1) { x, t in
            try field.evaluate(x, time: t)
        }
        var copy = self
        copy.initialStepSize = Swift.min(h, span, maximumStepSize)
        return copy
    }
}
