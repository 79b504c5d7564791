// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Adaptive Dormand–Prince 5(4) on variables: the driver loop around
/// `RungeKuttaStep(.dormandPrince54)` (stepper), `ErrorTolerance` (error norm),
/// `ProportionalIntegralController` (step-size policy) and
/// `DormandPrinceInterpolant` (dense output).
///
///     yₙ₊₁ = yₙ + h Σᵢ bᵢkᵢ (order 5),   eₙ = h Σᵢ (bᵢ − b̂ᵢ) kᵢ (order-4 estimate)
///
/// A step is accepted when `‖eₙ‖ ≤ 1` in the weighted RMS norm (Hairer,
/// torchdiffeq, diffrax); a step whose error or state is NaN or infinite is
/// rejected like any other. FSAL: `k₇ = f(tₙ₊₁, yₙ₊₁)` is the next `k₁`, so each
/// attempt (accepted or rejected) costs 6 evaluations, and a solve costs
///
///     nfe = 6·(accepted + rejected) + 1 (+ 1 when the first step is chosen automatically).
///
/// Output times never shorten a step: each is read off the 4th-order dense output
/// of the step containing it (unlike GSL, which steps onto every output time). The
/// last step is stretched or cut to land on the final time (Hairer: when the next
/// step would end within 1 % of it). Differentiable: with tracked inputs, the
/// accepted steps and the dense outputs are on the tape, while the step sizes are
/// constants (as in torchdiffeq's backprop through `odeint`).
///
/// Reference: Dormand & Prince, J. Comput. Appl. Math. 6 (1980); Hairer, Nørsett
/// & Wanner, *Solving ODEs I*, §II.4–II.6, and `dopri5.f`.
public struct DormandPrince54Solver: DifferentiableODESolver {
    /// The method: `ButcherTableau.dormandPrince54`.
    public var tableau: ButcherTableau { .dormandPrince54 }
    /// Tolerances, step bounds, step limit and evaluation budget.
    public let options: SolverOptions
    /// The step-size policy (PI with gains 0.7 and 0.4 by default).
    public let controller: any StepSizeController

    /// A solver with checked options.
    public init(options: SolverOptions, controller: any StepSizeController = ProportionalIntegralController.standard) {
        self.options = options
        self.controller = controller
    }

    /// A solver with checked options (see `SolverOptions` for each one).
    /// - Throws: `ContinuousDepthError.invalidOption` naming the bad option.
    public init(relativeTolerance: Double, absoluteTolerance: Double, initialStepSize: Double? = nil,
                minimumStepSize: Double = 0, maximumStepSize: Double = .infinity, maximumSteps: Int = 100_000,
                maximumEvaluations: Int? = nil,
                controller: any StepSizeController = ProportionalIntegralController.standard) throws {
        self.init(options: try SolverOptions(relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance,
                                             initialStepSize: initialStepSize, minimumStepSize: minimumStepSize,
                                             maximumStepSize: maximumStepSize, maximumSteps: maximumSteps,
                                             maximumEvaluations: maximumEvaluations),
                  controller: controller)
    }

    /// Integrates adaptively from `t0` to the last output time (see `DifferentiableODESolver`).
    ///
    /// - Throws: `ContinuousDepthError.invalidArgument` for bad arguments;
    ///   `.nonFinite(time:)` when `f(t0, x0)` is not finite, or when the step size
    ///   collapses after non-finite trial steps; `.stepSizeTooSmall` when the step
    ///   falls below `hmin` or below 10 ulp of `t` (e.g. at a blow-up);
    ///   `.tooManySteps` after `maximumSteps` attempts.
    public func solve<Field: VectorField>(_ field: Field, initialState x0: Variable, parameters theta: [Variable],
                                          from t0: Double, to t1: Double,
                                          saving schedule: OutputSchedule, events: [ODEEvent],
                                          keepingDenseOutput: Bool) throws -> VariableTrajectory {
        guard events.isEmpty, !keepingDenseOutput else {
            throw ContinuousDepthError.invalidOption(name: "events", reason: "not yet supported by DormandPrince54Solver")
        }
        let span = try IntegrationSpan(from: t0, to: t1, saving: schedule)
        try checkSolveArguments(field, initialState: x0, parameters: theta, at: t0)
        let tableau = ButcherTableau.dormandPrince54
        try options.tolerance.check(stateShape: x0.shape)
        let tolerance = options.tolerance
        let (minimumStepSize, maximumStepSize, maximumSteps) =
            (options.minimumStepSize, options.maximumStepSize, options.maximumSteps)
        let direction = span.direction
        let stop = span.stop

        var statistics = SolverStatistics()
        let f = { (y: Variable, t: Double) throws -> Variable in
            statistics.functionEvaluations += 1
            return try field(y, time: t, parameters: theta)
        }

        var t = t0
        var y = x0
        var k1 = try f(y, t)
        guard k1.value.isEntirelyFinite else { throw ContinuousDepthError.nonFinite(time: t0, statistics: statistics) }

        var h: Double
        if let initialStepSize = options.initialStepSize {
            h = initialStepSize
        } else {
            // The probe evaluation only sets a step size: it stays off the tape.
            let constants = theta.map(\.detached)
            h = try InitialStepSize.hairer(order: tableau.order, tolerance: tolerance, at: t0, state: y.value,
                                           derivative: k1.value, direction: direction) { y, t in
                statistics.functionEvaluations += 1
                return try field(Variable(y), time: t, parameters: constants).value
            }
        }
        h = direction * Swift.min(Swift.max(h, minimumStepSize), maximumStepSize)

        let outputTimes = span.outputTimes
        var times: [Double] = []
        var states: [Variable] = []
        if let outputTimes {
            times = outputTimes
            states.reserveCapacity(outputTimes.count)
        } else {
            times = [t0]
            states = [x0]
        }
        let requested = outputTimes ?? []
        var next = 0
        while next < requested.count, requested[next] == t0 {
            states.append(x0)
            next += 1
        }

        var history = StepSizeHistory()
        var lastRejectionWasNonFinite = false
        while direction * (stop - t) > 0 {
            var hStep = h
            var isLast = false
            if direction * (t + 1.01 * hStep - stop) >= 0 {
                hStep = stop - t
                isLast = true
            }
            guard statistics.acceptedSteps + statistics.rejectedSteps < maximumSteps else {
                throw ContinuousDepthError.tooManySteps(maximumSteps: maximumSteps, time: t, statistics: statistics)
            }
            if let budget = options.maximumEvaluations, statistics.functionEvaluations + 6 > budget {
                throw ContinuousDepthError.evaluationBudgetExhausted(maximumEvaluations: budget, time: t,
                                                                     statistics: statistics)
            }
            let step = try RungeKuttaStep(tableau, field: f, at: t, from: y, by: hStep, firstStage: k1)
            // e = h Σ (bᵢ − b̂ᵢ) kᵢ on plain tensors: the step-size control is not differentiated.
            let errorEstimate = try RungeKuttaStep.errorEstimate(tableau, stages: step.stages, stepSize: hStep)
            let err = try errorEstimate.map { try tolerance.norm(of: $0, from: y.value, to: step.y.value) } ?? .nan
            let decision = controller.decide(errorNorm: err, errorOrder: 5, history: &history)

            guard decision.isAccepted else {
                statistics.rejectedSteps += 1
                lastRejectionWasNonFinite = !err.isFinite
                let proposed = Swift.abs(hStep) * decision.factor
                if Swift.abs(hStep) <= minimumStepSize || proposed <= 10 * t.ulp {
                    if lastRejectionWasNonFinite { throw ContinuousDepthError.nonFinite(time: t, statistics: statistics) }
                    throw ContinuousDepthError.stepSizeTooSmall(time: t, stepSize: proposed, statistics: statistics)
                }
                h = direction * Swift.min(Swift.max(proposed, minimumStepSize), maximumStepSize)
                continue
            }

            statistics.acceptedSteps += 1
            let tNew = isLast ? stop : t + hStep
            while next < requested.count, direction * (requested[next] - tNew) <= 0 {
                let target = requested[next]
                if target == tNew {
                    states.append(step.y)
                } else {
                    let theta = Swift.min(1, Swift.max(0, (target - t) / hStep))
                    states.append(try DormandPrinceInterpolant.value(at: theta, from: y, stages: step.stages,
                                                                     stepSize: hStep))
                }
                next += 1
            }
            if outputTimes == nil {
                times.append(tNew)
                states.append(step.y)
            }
            t = tNew
            y = step.y
            k1 = step.stages[step.stages.count - 1]
            if !isLast {
                let proposed = Swift.abs(hStep) * decision.factor
                if proposed <= 10 * t.ulp {
                    throw ContinuousDepthError.stepSizeTooSmall(time: t, stepSize: proposed, statistics: statistics)
                }
                h = direction * Swift.min(Swift.max(proposed, minimumStepSize), maximumStepSize)
            }
        }
        return VariableTrajectory(times: times, states: states, statistics: statistics,
                                  acceptedEvaluations: 1 + 6 * statistics.acceptedSteps)
    }
}
