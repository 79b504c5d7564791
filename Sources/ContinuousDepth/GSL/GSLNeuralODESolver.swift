// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// Integrates a neural ODE `x′ = f(x, t; θ)` for a batch `x₀ [batch, d]` with one
/// of GSL's eleven steppers, the batch being one flat system of dimension `batch·d`
/// (see `BatchODESystem`).
///
/// Adaptive solves accept a step when, for every component `i` of the flat state,
///
///     |errᵢ| ≤ absoluteTolerance + relativeTolerance · |yᵢ|
///
/// (GSL's max-norm control). Implicit steppers (`GSLStepType.usesJacobian`) get
/// the exact block-diagonal `∂f/∂x` from forward-mode JVPs, so every step type
/// works with every field. The field is evaluated without recording a tape.
///
/// Errors: `GSLODEError`s become `ContinuousDepthError`s (see
/// `ContinuousDepthError.init?(_:)`: bad options → `invalidArgument`, too many steps
/// → `tooManySteps`, NaN/Inf → `nonFinite(time:)`, step collapse →
/// `stepSizeTooSmall`); `GSLODEError.library` and the field's own errors are
/// rethrown unchanged.
///
/// Reference: Chen, Rubanova, Bettencourt & Duvenaud, “Neural Ordinary Differential
/// Equations”, NeurIPS 2018, §2; GSL Reference Manual, “Ordinary Differential Equations”.
public struct GSLNeuralODESolver: Sendable, Equatable {
    /// The GSL stepping method.
    public var stepType: GSLStepType
    /// `rtol > 0` in `atol + rtol·|yᵢ|`.
    public var relativeTolerance: Double
    /// `atol ≥ 0` in `atol + rtol·|yᵢ|`.
    public var absoluteTolerance: Double
    /// `|h₀| > 0`, the first trial step (its sign follows the direction of integration).
    public var initialStepSize: Double
    /// `hmin ≥ 0`: a proposed step below it fails the solve (0: no minimum).
    public var minimumStepSize: Double
    /// `hmax`: no step is longer (`.infinity`: no maximum).
    public var maximumStepSize: Double
    /// The most accepted steps one solve may take.
    public var maximumSteps: Int

    /// A solver configuration; values are checked when a solve starts.
    public init(stepType: GSLStepType, relativeTolerance: Double, absoluteTolerance: Double,
                initialStepSize: Double = 1e-6, minimumStepSize: Double = 0,
                maximumStepSize: Double = .infinity, maximumSteps: Int = 100_000) {
        self.stepType = stepType
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.initialStepSize = initialStepSize
        self.minimumStepSize = minimumStepSize
        self.maximumStepSize = maximumStepSize
        self.maximumSteps = maximumSteps
    }

    /// Integrates from `x(t0) = x0` and returns `x` at each output time.
    ///
    /// - Parameters:
    ///   - field: `f`, applied row by row.
    ///   - x0: the batch `[batch, d]`, finite.
    ///   - t0, t1: the interval; `t1 < t0` integrates backwards.
    ///   - outputTimes: inside `[t0, t1]`, ordered in the direction of integration
    ///     (default `[t1]`). GSL steps exactly onto each one (no dense output).
    /// - Returns: the states at `outputTimes` with the solve's statistics.
    /// - Throws: `ContinuousDepthError` (bad shape or option, `tooManySteps`,
    ///   `nonFinite(time:)`, `stepSizeTooSmall`), or the field's own error.
    public func solve(_ field: some VectorField, initialState x0: Tensor, from t0: Double, to t1: Double,
                      at outputTimes: [Double]? = nil) throws -> Trajectory {
        try makeIntegrator(for: field, initialState: x0)
            .solve(from: t0, to: t1, initial: x0, at: outputTimes ?? [t1])
    }

    /// Integrates with `stepCount` equal steps and no error control, saving every
    /// step (the residual-network view):
    ///
    ///     h = (t1 − t0) / stepCount,   tₖ = t0 + k·h,   xₖ₊₁ = Φ(tₖ, xₖ, h)
    ///
    /// `Φ` is one call of GSL's stepper (two half steps for `rk4` and the
    /// step-doubling implicit methods). Tolerances matter only to the implicit and
    /// multistep methods' inner iterations.
    /// - Returns: `stepCount + 1` states at `t0 + k·h`, `k = 0…stepCount`.
    /// - Throws: as `solve(_:initialState:from:to:at:)`; `invalidArgument` for `stepCount < 1`.
    public func solve(_ field: some VectorField, initialState x0: Tensor, from t0: Double, to t1: Double,
                      stepCount: Int) throws -> Trajectory {
        try makeIntegrator(for: field, initialState: x0)
            .solve(from: t0, to: t1, initial: x0, stepCount: stepCount)
    }

    /// A reusable GSL solver for `field` and the batch size of `x0`.
    func makeIntegrator(for field: some VectorField, initialState x0: Tensor) throws -> GSLBatchIntegrator {
        guard x0.rank == 2, x0.shape[1] == field.dimension else {
            throw ContinuousDepthError.invalidArgument(
                "the initial state must have shape [batch, \(field.dimension)]; got \(x0.shape)")
        }
        try stepType.checkDenseJacobianSize(batch: x0.shape[0], dimension: field.dimension)
        return try GSLBatchIntegrator(field: field, batchSize: x0.shape[0], configuration: self)
    }
}
