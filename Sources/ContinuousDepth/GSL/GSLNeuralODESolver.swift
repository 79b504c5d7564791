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
/// (GSL's max-norm control), or, with `errorNorm = .rootMeanSquare`, when the
/// RMS of `|errᵢ| / (atolᵢ + rtol·|yᵢ|)` is at most 1 (the own solvers' norm;
/// `WeightedErrorControl`). It conforms to `ODESolver`: `init(stepType:options:)`
/// takes the shared `SolverOptions` (per-component `atol`, either norm, automatic
/// first step, step and evaluation limits), `maximumSteps` counts attempted
/// steps, a failed solve's error carries its statistics, and the solution's
/// interpolant is the Hermite dense output (`GSLHermiteInterpolant`). Output
/// times are interpolated or stepped onto as `outputMode` says (`GSLOutputMode`). Implicit steppers (`GSLStepType.usesJacobian`) get
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
    /// The most attempted steps (accepted + rejected) one solve may take.
    public var maximumSteps: Int
    /// `atolᵢ` per component (1, `d` or `batch·d` values), overriding `absoluteTolerance`; `nil`: none.
    public var absoluteTolerances: [Double]?
    /// GSL's `.maximum` (default) or the own solvers' `.rootMeanSquare`.
    public var errorNorm: ErrorTolerance.Norm = .maximum
    /// The most evaluations of `f` one solve may make (`nil`: no budget).
    public var maximumEvaluations: Int?
    /// Whether each solve chooses its first step by Hairer's algorithm
    /// (`estimatingInitialStep`, two evaluations) instead of `initialStepSize`.
    public var choosesInitialStep = false
    /// Whether output times are read off the Hermite dense output or stepped onto
    /// (`GSLOutputMode`; `nil`: `GSLOutputMode.default(for: stepType)`, interpolating
    /// for every stepper but `rk8pd` and `bsimp`).
    public var outputMode: GSLOutputMode?

    /// A solver configuration; values are checked when a solve starts.
    public init(stepType: GSLStepType, relativeTolerance: Double, absoluteTolerance: Double,
                initialStepSize: Double = 1e-6, minimumStepSize: Double = 0,
                maximumStepSize: Double = .infinity, maximumSteps: Int = 100_000,
                outputMode: GSLOutputMode? = nil) {
        self.stepType = stepType
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.initialStepSize = initialStepSize
        self.minimumStepSize = minimumStepSize
        self.maximumStepSize = maximumStepSize
        self.maximumSteps = maximumSteps
        self.outputMode = outputMode
    }

    /// A solver with the shared, checked options (`SolverOptions`).
    ///
    /// `options.initialStepSize == nil` chooses the first step per solve
    /// (`choosesInitialStep`); `tolerance.norm` picks GSL's max norm or the RMS
    /// norm; `maximumEvaluations` is counted in the bridge's trampoline and never exceeded.
    public init(stepType: GSLStepType, options: SolverOptions, outputMode: GSLOutputMode? = nil) {
        let atol = options.tolerance.absolute
        self.init(stepType: stepType, relativeTolerance: options.tolerance.relative,
                  absoluteTolerance: atol.count == 1 ? atol[0] : (atol.min() ?? 0),
                  initialStepSize: options.initialStepSize ?? 1e-6, minimumStepSize: options.minimumStepSize,
                  maximumStepSize: options.maximumStepSize, maximumSteps: options.maximumSteps,
                  outputMode: outputMode)
        absoluteTolerances = atol.count == 1 ? nil : atol
        errorNorm = options.tolerance.norm
        maximumEvaluations = options.maximumEvaluations
        choosesInitialStep = options.initialStepSize == nil
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
    func makeIntegrator(for field: some VectorField, initialState x0: Tensor,
                        keepsDenseOutput: Bool = false) throws -> GSLBatchIntegrator {
        guard x0.rank == 2, x0.shape[1] == field.dimension else {
            throw ContinuousDepthError.invalidArgument(
                "the initial state must have shape [batch, \(field.dimension)]; got \(x0.shape)")
        }
        try stepType.checkDenseJacobianSize(batch: x0.shape[0], dimension: field.dimension)
        return try GSLBatchIntegrator(field: field, batchSize: x0.shape[0], configuration: self,
                                      keepsDenseOutput: keepsDenseOutput)
    }
}

extension GSLNeuralODESolver: ODESolver {
    /// Integrates from `x(t0) = x0` (see `ODESolver`): the states at the output
    /// times (interpolated or stepped onto, `outputMode`) or at every step end,
    /// and with `keepingDenseOutput` the Hermite interpolant over the solve.
    ///
    /// Events are located after every accepted step on its Hermite cubic by
    /// Brent's method (`EventLocator`), to each event's `timeTolerance` on the
    /// cubic (whose own error is `O(h⁴)`); a terminal event ends the solve there.
    /// - Throws: `ContinuousDepthError` (bad shape or option; `tooManySteps`,
    ///   `evaluationBudgetExhausted`, `nonFinite`, `stepSizeTooSmall` with the time
    ///   reached and the statistics), or the field's own error.
    public func solve<Field: VectorField>(_ field: Field, initialState x0: Tensor, from t0: Double, to t1: Double,
                                          saving schedule: OutputSchedule, events: [ODEEvent],
                                          keepingDenseOutput: Bool) throws -> Trajectory {
        let span = try IntegrationSpan(from: t0, to: t1, saving: schedule)
        var configuration = self
        // The starting-step choice evaluates f twice (f(t0, x0) and one probe); they
        // count in the statistics and against the budget like GSL's own evaluations.
        let probeEvaluations = choosesInitialStep ? 2 : 0
        if choosesInitialStep {
            if let budget = maximumEvaluations, budget <= probeEvaluations {
                throw ContinuousDepthError.evaluationBudgetExhausted(
                    maximumEvaluations: budget, time: t0, statistics: SolverStatistics())
            }
            configuration = try estimatingInitialStep(for: field, initialState: x0, from: t0, to: span.stop)
            configuration.maximumEvaluations = maximumEvaluations.map { $0 - probeEvaluations }
        }
        let integrator = try configuration.makeIntegrator(
            for: field, initialState: x0, keepsDenseOutput: keepingDenseOutput || span.outputTimes == nil)
        let probe = SolverStatistics(functionEvaluations: probeEvaluations)
        let trajectory: Trajectory
        do {
            if let outputTimes = span.outputTimes {
                trajectory = try integrator.solve(from: t0, to: t1, initial: x0, at: outputTimes, events: events)
            } else {
                trajectory = try integrator.solveSavingEveryStep(from: t0, to: t1, initial: x0, events: events)
            }
        } catch let error as ContinuousDepthError {
            throw error.adding(probe, budget: maximumEvaluations)
        }
        guard probeEvaluations > 0 else { return trajectory }
        return Trajectory(times: trajectory.times, states: trajectory.states,
                          statistics: trajectory.statistics + probe, nextStepSize: trajectory.nextStepSize,
                          events: trajectory.events, interpolant: keepingDenseOutput ? trajectory.interpolant : nil)
    }
}
