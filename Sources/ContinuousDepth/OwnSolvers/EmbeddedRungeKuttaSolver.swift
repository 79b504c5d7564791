// SPDX-License-Identifier: GPL-3.0-or-later
import RungeKuttaMethods
import TensorCore

/// The adaptive driver for any embedded explicit Runge–Kutta pair:
/// the loop around `RungeKuttaStep(tableau)` (stepper), `ErrorTolerance` (error
/// norm), a `StepSizeController` and the tableau's `ContinuousExtension`
/// (dense output). One step from `tₙ` with size `h`:
///
///     kᵢ = f(tₙ + cᵢh, yₙ + h Σⱼ aᵢⱼkⱼ),   yₙ₊₁ = yₙ + h Σᵢ bᵢkᵢ  (order p)
///     eₙ = h Σᵢ (bᵢ − b̂ᵢ) kᵢ                                     (order p̂ estimate)
///
/// accepted when `‖eₙ‖ ≤ 1` (`options.tolerance`); the controller sees `‖eₙ‖`
/// and `k = tableau.errorOrder`. A step whose error or state is NaN or infinite
/// is rejected like any other. `k₁ = f(tₙ, yₙ)` is known at every attempt: for
/// an FSAL method it is the last stage of the previous step; otherwise it is
/// evaluated once after each accepted step. So an attempt costs `s − 1`
/// evaluations, plus one per accepted step for a method that is not FSAL, plus
/// `f(t0, x0)` and the starting-step probe (`InitialStepSize.hairer`, order `p`).
///
/// Output times never shorten a step: each is read off the dense output of the
/// step containing it. The last step is stretched or cut to land on the final
/// time (when the next step would end within 1 % of it, as Hairer's codes do).
/// Events are located on the dense output (`EventLocator`); a terminal one ends
/// the solve at its time. The checks and their errors follow `SolverOptions`:
/// `maximumSteps` attempts, `maximumEvaluations` checked before each attempt,
/// `hmin`, and a step below 10 ulp of `t` (`stepSizeTooSmall`, or `nonFinite`
/// when the collapse followed non-finite trial steps), each with the statistics.
///
/// Differentiable: with tracked inputs, the accepted steps, the dense outputs
/// at the output times and event states are on the tape, while the step sizes,
/// the accept/reject decisions and event times are constants (as torchdiffeq's
/// backprop through `odeint`). Untracked inputs record nothing: the forward path.
///
/// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.4–II.6 (`dopri5.f`);
/// Shampine, *Numerical Solution of ODEs* (1994), §7 (event location).
public struct EmbeddedRungeKuttaSolver: DifferentiableODESolver {
    /// The method: an embedded pair with a continuous extension.
    public let tableau: ButcherTableau
    /// Tolerances, step bounds, step limit and evaluation budget.
    public let options: SolverOptions
    /// The step-size policy.
    public let controller: any StepSizeController

    /// A solver for `tableau`.
    /// - Parameters:
    ///   - tableau: an embedded pair with a continuous extension (e.g. `.dormandPrince54`, `.tsitouras54`).
    ///   - options: tolerances (and their norm), step bounds, step limit and evaluation budget.
    ///   - controller: PI with gains 0.7 and 0.4 by default (Hairer's).
    /// - Throws: `ContinuousDepthError.invalidOption(name: "tableau", …)` unless the
    ///   tableau has embedded weights and a continuous extension.
    public init(_ tableau: ButcherTableau, options: SolverOptions,
                controller: any StepSizeController = ProportionalIntegralController.standard) throws {
        guard let bHat = tableau.embeddedB, bHat.count == tableau.stageCount else {
            throw ContinuousDepthError.invalidOption(
                name: "tableau", reason: "\(tableau.name) has no embedded weights b̂ for an error estimate")
        }
        guard tableau.continuousExtension != nil else {
            throw ContinuousDepthError.invalidOption(name: "tableau", reason: "\(tableau.name) has no continuous extension")
        }
        self.tableau = tableau
        self.options = options
        self.controller = controller
    }

    /// A solver for `tableau` with the options spelled out (see `SolverOptions`).
    /// - Throws: `ContinuousDepthError.invalidOption` naming the bad option.
    public init(_ tableau: ButcherTableau, relativeTolerance: Double, absoluteTolerance: Double,
                initialStepSize: Double? = nil, minimumStepSize: Double = 0, maximumStepSize: Double = .infinity,
                maximumSteps: Int = 100_000, maximumEvaluations: Int? = nil,
                controller: any StepSizeController = ProportionalIntegralController.standard) throws {
        try self.init(tableau,
                      options: SolverOptions(relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance,
                                             initialStepSize: initialStepSize, minimumStepSize: minimumStepSize,
                                             maximumStepSize: maximumStepSize, maximumSteps: maximumSteps,
                                             maximumEvaluations: maximumEvaluations),
                      controller: controller)
    }

    /// Integrates adaptively from `t0` to the last output time or a terminal event
    /// (see `DifferentiableODESolver` and the type's documentation for the errors).
    public func solve<Field: VectorField>(_ field: Field, initialState x0: Variable, parameters theta: [Variable],
                                          from t0: Double, to t1: Double, saving schedule: OutputSchedule,
                                          events: [ODEEvent], keepingDenseOutput: Bool) throws -> VariableTrajectory {
        let span = try IntegrationSpan(from: t0, to: t1, saving: schedule)
        try checkSolveArguments(field, initialState: x0, parameters: theta, at: t0)
        try options.tolerance.check(stateShape: x0.shape)
        let tableau = self.tableau
        guard let continuousExtension = tableau.continuousExtension else {
            throw ContinuousDepthError.invalidOption(name: "tableau", reason: "\(tableau.name) has no continuous extension")
        }
        let tolerance = options.tolerance
        let (direction, stop) = (span.direction, span.stop)
        let isFirstSameAsLast = tableau.isFirstSameAsLast
        let newStagesPerAttempt = tableau.stageCount - 1
        // The stages of the error estimate, those with bᵢ ≠ b̂ᵢ (`init` checked that b̂ exists).
        let errorWeights = zip(tableau.b, tableau.embeddedB ?? tableau.b).map { $0 - $1 }
        let errorStages = errorWeights.indices.filter { errorWeights[$0] != 0 }

        var statistics = SolverStatistics()
        var tapeEvaluations = 0  // evaluations whose results the accepted steps use
        let f = { (y: Variable, t: Double) throws -> Variable in
            statistics.functionEvaluations += 1
            return try field(y, time: t, parameters: theta)
        }
        func ensureBudget(for cost: Int, at t: Double) throws {
            if let budget = options.maximumEvaluations, statistics.functionEvaluations + cost > budget {
                throw ContinuousDepthError.evaluationBudgetExhausted(maximumEvaluations: budget, time: t,
                                                                     statistics: statistics)
            }
        }

        var t = t0
        var y = x0
        try ensureBudget(for: 1, at: t0)
        var k1 = try f(y, t)
        tapeEvaluations += 1
        guard k1.value.isFinite else { throw ContinuousDepthError.nonFinite(time: t0, statistics: statistics) }
        var locator = try EventLocator(events, at: t0, state: x0.value, statistics: statistics)

        var h: Double
        if let initialStepSize = options.initialStepSize {
            h = initialStepSize
        } else {
            try ensureBudget(for: 1, at: t0)
            // The probe evaluation only sets a step size: it stays off the tape.
            let constants = theta.map(\.detached)
            h = try InitialStepSize.hairer(order: tableau.order, tolerance: tolerance, at: t0, state: y.value,
                                           derivative: k1.value, direction: direction) { y, t in
                statistics.functionEvaluations += 1
                return try field(Variable(y), time: t, parameters: constants).value
            }
        }
        h = direction * options.clampedStepSize(h)

        var output = OutputCollector(span: span, initialState: x0)
        var occurrences: [ODEEventOccurrence] = []
        var dense = keepingDenseOutput
            ? RungeKuttaDenseOutput(continuousExtension: continuousExtension, startTime: t0) : nil

        var history = StepSizeHistory()
        var lastRejectionWasNonFinite = false
        // The controller's proposal after the last accepted step (`Trajectory.nextStepSize`).
        var nextStepSize: Double?
        while direction * (stop - t) > 0 {
            var hStep = h
            var isLast = false
            if direction * (t + 1.01 * hStep - stop) >= 0 {
                hStep = stop - t
                isLast = true
            }
            guard statistics.acceptedSteps + statistics.rejectedSteps < options.maximumSteps else {
                throw ContinuousDepthError.tooManySteps(maximumSteps: options.maximumSteps, time: t,
                                                        statistics: statistics)
            }
            try ensureBudget(for: newStagesPerAttempt, at: t)
            let step = try RungeKuttaStep(tableau, field: f, at: t, from: y, by: hStep, firstStage: k1)
            // ‖e‖ of e = h Σ (bᵢ − b̂ᵢ) kᵢ on plain tensors (the step-size control is not
            // differentiated), in one pass that never stores e.
            let err = errorStages.isEmpty ? 0 : try tolerance.norm(combining: errorStages.map { step.stages[$0].value },
                                         weights: errorStages.map { hStep * errorWeights[$0] },
                                         from: y.value, to: step.y.value)
            let decision = controller.decide(errorNorm: err, errorOrder: tableau.errorOrder, history: &history)

            guard decision.isAccepted else {
                statistics.rejectedSteps += 1
                lastRejectionWasNonFinite = !err.isFinite
                let proposed = Swift.abs(hStep) * decision.factor
                if Swift.abs(hStep) <= options.minimumStepSize || proposed <= 10 * t.ulp {
                    if lastRejectionWasNonFinite { throw ContinuousDepthError.nonFinite(time: t, statistics: statistics) }
                    throw ContinuousDepthError.stepSizeTooSmall(time: t, stepSize: proposed, statistics: statistics)
                }
                h = direction * options.clampedStepSize(proposed)
                continue
            }

            statistics.acceptedSteps += 1
            tapeEvaluations += newStagesPerAttempt
            // The controller's proposal for the step after this one (after a last step cut short
            // onto `stop`, the proposal from that short step: GSLODESolver keeps the larger of the
            // request and the proposal there, which flips the dupont2019 quick verdict; see the
            // benchmark notes of 2026-12-04).
            nextStepSize = direction * options.clampedStepSize(Swift.abs(hStep) * decision.factor)
            let tNew = isLast ? stop : t + hStep
            var stages = step.stages
            // The slope at the new point: the FSAL stage, or one evaluation (the next step's k₁),
            // skipped after the last step unless the dense output needs it.
            var nextFirstStage: Variable? = isFirstSameAsLast ? stages[stages.count - 1] : nil
            if nextFirstStage == nil,
               !isLast || (continuousExtension.usesEndDerivative
                           && (dense != nil || !locator.isEmpty || output.needsInterpolation(before: tNew))) {
                try ensureBudget(for: 1, at: tNew)
                let slope = try f(step.y, tNew)
                tapeEvaluations += 1
                guard slope.value.isFinite else {
                    throw ContinuousDepthError.nonFinite(time: tNew, statistics: statistics)
                }
                nextFirstStage = slope
            }
            if continuousExtension.usesEndDerivative, let slope = nextFirstStage { stages.append(slope) }
            let (stepStart, stepState) = (t, y)
            // x(τ) inside this step, differentiable in yₙ and the stages (θ is a constant).
            let interpolate = { (tau: Double) throws -> Variable in
                if tau == tNew { return step.y }
                let theta = Swift.min(1, Swift.max(0, (tau - stepStart) / hStep))
                return try RungeKuttaStep.combining(stepState, stages: stages,
                                                    weights: continuousExtension.weights(at: theta), stepSize: hStep)
            }

            let found = try locator.occurrences(from: t, to: tNew, stateAtEnd: step.y.value, statistics: statistics) {
                try interpolate($0).value
            }
            occurrences += found
            let terminal = found.last { $0.isTerminal }
            let reached = terminal?.time ?? tNew
            try output.collect(upTo: reached, stepEnd: tNew, endState: step.y, interpolate: interpolate)
            dense?.append(from: t, stepSize: hStep, state: y.value, stages: stages.map(\.value), reaching: reached)
            if let terminal {
                try output.finish(at: terminal.time, state: try interpolate(terminal.time))
                break
            }

            t = tNew
            y = step.y
            if let nextFirstStage { k1 = nextFirstStage }
            if !isLast {
                let proposed = Swift.abs(hStep) * decision.factor
                if proposed <= 10 * t.ulp {
                    throw ContinuousDepthError.stepSizeTooSmall(time: t, stepSize: proposed, statistics: statistics)
                }
                h = direction * options.clampedStepSize(proposed)
            }
        }
        return VariableTrajectory(times: output.times, states: output.states, statistics: statistics,
                                  acceptedEvaluations: tapeEvaluations, nextStepSize: nextStepSize,
                                  events: occurrences, interpolant: dense)
    }
}
