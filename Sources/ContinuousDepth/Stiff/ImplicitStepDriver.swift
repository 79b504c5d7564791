// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// One attempted step of an implicit method on the flat batch state.
struct ImplicitStepAttempt<Payload> {
    /// `yₙ₊₁` (meaningless when `newtonFailed`).
    var state: [Double]
    /// `f(tₙ, yₙ)`, the slope at the step's start (for the dense output).
    var startSlope: [Double]
    /// The weighted norm of the error estimate (NaN when not finite).
    var errorNorm: Double
    /// Some sample's stage iteration did not converge (or a block was singular): retry with a smaller step.
    var newtonFailed: Bool
    /// What the caller needs to record the accepted step (stage values).
    var payload: Payload
}

/// The adaptive loop shared by the implicit solvers.
///
/// It lands exactly on every output time (an output is a step's end value, so
/// the recorded graph needs no interpolant), accepts or rejects with the step
/// controller, shrinks the step by 4 after a Newton failure of any sample,
/// keeps `h` when the controller proposes a growth by less than 20 % (so that
/// the LU of `I − hγJ` is reused, as in Hairer's RADAU5), enforces `hmin`,
/// `hmax`, `maximumSteps` (attempts) and `maximumEvaluations` (checked after
/// each attempt: the cost of a Newton iteration count is not known before),
/// locates events on the cubic Hermite dense output and stops at a terminal one.
struct ImplicitStepDriver {
    let options: SolverOptions
    let controller: any StepSizeController
    /// `k = min(p, p̂) + 1` for the controller.
    let errorOrder: Int

    struct Outcome {
        var times: [Double] = []
        var states: [Variable] = []
        var events: [ODEEventOccurrence] = []
        var interpolant: HermiteDenseOutput?
    }

    /// Integrates over `span` from `x0`.
    ///
    /// - Parameters:
    ///   - system: keeps the counts (accepted and rejected steps here; evaluations by the
    ///     system itself), read for errors and the budget.
    ///   - attempt: tries the step `(y, t, h)`.
    ///   - slope: `f(t, y)` at a new point (the stepper keeps it as the next step's first stage).
    ///   - record: the accepted step's end state as a variable (on the tape, or a constant).
    func integrate<Payload, System: BatchedImplicitSystem>(
        span: IntegrationSpan, initialState x0: Variable, initialStepSize h0: Double, events: [ODEEvent],
        keepingDenseOutput: Bool, counting system: System,
        attempt: (_ y: [Double], _ t: Double, _ h: Double) throws -> ImplicitStepAttempt<Payload>,
        slope: (_ y: [Double], _ t: Double) throws -> [Double],
        record: (_ step: ImplicitStepAttempt<Payload>, _ t: Double, _ h: Double, _ tNew: Double) throws -> Variable
    ) throws -> Outcome {
        let statistics = { system.statistics.solverStatistics }
        func countAttempt(_ accepted: Bool) {
            if accepted { system.statistics.acceptedSteps += 1 } else { system.statistics.rejectedSteps += 1 }
        }
        let direction = span.direction
        let shape = x0.shape
        var outcome = Outcome()
        let outputs = span.outputTimes ?? [span.end]
        var next = 0
        if span.outputTimes == nil {
            outcome.times = [span.start]
            outcome.states = [x0]
        }
        while next < outputs.count, outputs[next] == span.start {
            if span.outputTimes != nil {
                outcome.times.append(span.start)
                outcome.states.append(x0)
            }
            next += 1
        }
        var locator = try EventLocator(events, at: span.start, state: x0.value, statistics: statistics())
        if keepingDenseOutput { outcome.interpolant = HermiteDenseOutput(startTime: span.start, shape: shape) }
        var t = span.start
        var y = x0.value.scalars
        var current = x0
        var h = direction * options.clampedStepSize(h0)
        var history = StepSizeHistory()
        var attempts = 0
        while next < outputs.count {
            let target = outputs[next]
            var hStep = h
            var landing = false
            if direction * (t + 1.01 * hStep - target) >= 0 {
                hStep = target - t
                landing = true
            }
            guard attempts < options.maximumSteps else {
                throw ContinuousDepthError.tooManySteps(maximumSteps: options.maximumSteps, time: t, statistics: statistics())
            }
            attempts += 1
            let step = try attempt(y, t, hStep)
            try checkBudget(at: t, statistics: statistics())
            if step.newtonFailed {
                countAttempt(false)
                history.lastStepRejected = true
                h = try shrunk(Swift.abs(hStep) * 0.25, at: t, direction: direction, nonFinite: false, statistics())
                continue
            }
            let decision = controller.decide(errorNorm: step.errorNorm, errorOrder: errorOrder, history: &history)
            guard decision.isAccepted else {
                countAttempt(false)
                h = try shrunk(Swift.abs(hStep) * decision.factor, at: t, direction: direction,
                               nonFinite: !step.errorNorm.isFinite, statistics())
                continue
            }
            countAttempt(true)
            let tNew = landing ? target : t + hStep
            current = try record(step, t, hStep, tNew)

            var reached = tNew
            if !locator.isEmpty || outcome.interpolant != nil {
                let endSlope = try slope(step.state, tNew)
                try checkBudget(at: tNew, statistics: statistics())
                let piece = HermiteDenseOutput.Piece(start: t, stepSize: hStep, y0: y, y1: step.state,
                                                     f0: step.startSlope, f1: endSlope)
                let found = try locator.occurrences(from: t, to: tNew, stateAtEnd: current.value,
                                                    statistics: statistics()) { tau in
                    try Tensor(shape: shape, scalars: HermiteDenseOutput.evaluate(piece, at: tau))
                }
                outcome.events += found
                if let terminal = found.last(where: \.isTerminal) { reached = terminal.time }
                outcome.interpolant?.append(from: t, stepSize: hStep, state: y, slope: step.startSlope,
                                            endState: step.state, endSlope: endSlope, reaching: reached)
                if reached != tNew {
                    // A terminal event ends the solve at the event, with the interpolated state.
                    let state = Variable(try Tensor(shape: shape, scalars: HermiteDenseOutput.evaluate(piece, at: reached)))
                    outcome.times.append(reached)
                    outcome.states.append(state)
                    return outcome
                }
            }
            if span.outputTimes == nil || landing {
                outcome.times.append(tNew)
                outcome.states.append(current)
            }
            if landing {
                next += 1
                while next < outputs.count, outputs[next] == tNew {
                    outcome.times.append(tNew)
                    outcome.states.append(current)
                    next += 1
                }
            }
            t = tNew
            y = step.state
            var proposed = Swift.abs(hStep) * decision.factor
            if decision.factor >= 1, decision.factor <= 1.2 { proposed = Swift.abs(hStep) }
            // A step cut short to land on an output time says nothing against the longer step.
            if landing { proposed = decision.factor >= 1 ? Swift.abs(h) : Swift.min(Swift.abs(h), proposed) }
            guard proposed > 10 * t.ulp else {
                throw ContinuousDepthError.stepSizeTooSmall(time: t, stepSize: proposed, statistics: statistics())
            }
            h = direction * options.clampedStepSize(proposed)
        }
        return outcome
    }

    private func checkBudget(at t: Double, statistics: SolverStatistics) throws {
        if let budget = options.maximumEvaluations, statistics.functionEvaluations > budget {
            throw ContinuousDepthError.evaluationBudgetExhausted(maximumEvaluations: budget, time: t, statistics: statistics)
        }
    }

    private func shrunk(_ proposed: Double, at t: Double, direction: Double, nonFinite: Bool,
                        _ statistics: SolverStatistics) throws -> Double {
        if proposed < options.minimumStepSize || proposed <= 10 * t.ulp {
            if nonFinite { throw ContinuousDepthError.nonFinite(time: t, statistics: statistics) }
            throw ContinuousDepthError.stepSizeTooSmall(time: t, stepSize: proposed, statistics: statistics)
        }
        return direction * Swift.min(proposed, options.maximumStepSize)
    }

    /// `steps` equal steps `h = (t1 − t0)/steps` at `t = t0 + k·h`, with no error test (for
    /// convergence-order measurements); returns the final state.
    /// - Throws: `ContinuousDepthError.invalidOption` when `steps < 1`; `.invalidArgument` when
    ///   some sample's stage iteration fails at a step (the step is too large for the problem).
    static func integrateFixed<Payload>(from t0: Double, to t1: Double, steps: Int, initialState y0: [Double],
                                        statistics: () -> SolverStatistics,
                                        attempt: (_ y: [Double], _ t: Double, _ h: Double) throws
                                            -> ImplicitStepAttempt<Payload>,
                                        accepted: () -> Void) throws -> [Double] {
        guard steps >= 1 else { throw ContinuousDepthError.invalidOption(name: "steps", reason: "must be at least 1; got \(steps)") }
        guard t0.isFinite, t1.isFinite, t0 != t1 else {
            throw ContinuousDepthError.invalidArgument("the time span needs finite t0 ≠ t1; got t0 = \(t0), t1 = \(t1)")
        }
        let h = (t1 - t0) / Double(steps)
        var y = y0
        for k in 0..<steps {
            let t = t0 + Double(k) * h
            let step = try attempt(y, t, h)
            guard !step.newtonFailed else {
                throw ContinuousDepthError.invalidArgument(
                    "the stage equations did not converge at t = \(t) with the fixed step \(h); use more steps")
            }
            guard step.state.allSatisfy(\.isFinite) else {
                throw ContinuousDepthError.nonFinite(time: t + h, statistics: statistics())
            }
            accepted()
            y = step.state
        }
        return y
    }
}
