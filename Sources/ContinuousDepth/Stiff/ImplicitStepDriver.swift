// SPDX-License-Identifier: GPL-3.0-or-later

/// One attempted step of an implicit method on the flat batch state.
struct ImplicitStepAttempt<Payload> {
    /// `yₙ₊₁` (meaningless when `newtonFailed`).
    var state: [Double]
    /// The weighted RMS norm of the error estimate (NaN when not finite).
    var errorNorm: Double
    /// Some sample's stage iteration did not converge (or a block was singular): retry with a smaller step.
    var newtonFailed: Bool
    /// What the caller needs to record the accepted step (stage values).
    var payload: Payload
}

/// The adaptive loop (STYLE §2's driver) shared by the implicit solvers: it
/// lands exactly on every output time (so an output is a step's end value, and
/// the recorded graph needs no interpolant), accepts or rejects with the PI
/// controller of the method's error order, shrinks the step by 4 after a
/// Newton failure of any sample, keeps `h` when the controller proposes a
/// growth by less than 20 % (so that the LU of `I − hγJ` can be reused, as in
/// Hairer's RADAU5), and enforces `hmin`, `hmax` and `maximumSteps`.
struct ImplicitStepDriver {
    let options: ImplicitSolverOptions
    let controller: ProportionalIntegralController

    /// Integrates; `attempt(y, t, h)` tries one step, `accept(attempt, t, h, tNew, isOutput)` records
    /// an accepted one (called again with `h = 0` for a repeated output time); `countAttempt` counts.
    func integrate<Payload>(span: IntegrationSpan, initialState y0: [Double], initialStepSize h0: Double,
                            countAttempt: (_ accepted: Bool) -> Void,
                            attempt: (_ y: [Double], _ t: Double, _ h: Double) throws -> ImplicitStepAttempt<Payload>,
                            accept: (_ step: ImplicitStepAttempt<Payload>, _ t: Double, _ h: Double, _ tNew: Double,
                                     _ isOutput: Bool) throws -> Void) throws {
        let direction = span.direction
        let outputs = span.outputTimes ?? [span.end]
        var next = 0
        while next < outputs.count, outputs[next] == span.start { next += 1 }
        var t = span.start
        var y = y0
        var h = direction * Swift.min(Swift.max(h0, options.minimumStepSize), options.maximumStepSize)
        var history = ProportionalIntegralController.History()
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
                throw ContinuousDepthError.tooManySteps(maximumSteps: options.maximumSteps, time: t)
            }
            attempts += 1
            let step = try attempt(y, t, hStep)
            if step.newtonFailed {
                countAttempt(false)
                history.lastStepRejected = true
                h = try shrunk(Swift.abs(hStep) * 0.25, at: t, direction: direction, nonFinite: false)
                continue
            }
            let decision = controller.decide(errorNorm: step.errorNorm, history: &history)
            guard decision.isAccepted else {
                countAttempt(false)
                h = try shrunk(Swift.abs(hStep) * decision.factor, at: t, direction: direction,
                               nonFinite: !step.errorNorm.isFinite)
                continue
            }
            countAttempt(true)
            let tNew = landing ? target : t + hStep
            let isOutput = span.outputTimes == nil || landing
            try accept(step, t, hStep, tNew, isOutput)
            if landing {
                next += 1
                while next < outputs.count, outputs[next] == tNew {
                    try accept(step, tNew, 0, tNew, true)
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
                throw ContinuousDepthError.stepSizeTooSmall(time: t, stepSize: proposed)
            }
            h = direction * Swift.min(Swift.max(proposed, options.minimumStepSize), options.maximumStepSize)
        }
    }

    private func shrunk(_ proposed: Double, at t: Double, direction: Double, nonFinite: Bool) throws -> Double {
        if proposed < options.minimumStepSize || proposed <= 10 * t.ulp {
            if nonFinite { throw ContinuousDepthError.nonFinite(time: t) }
            throw ContinuousDepthError.stepSizeTooSmall(time: t, stepSize: proposed)
        }
        return direction * Swift.min(proposed, options.maximumStepSize)
    }

    /// `steps` equal steps `h = (t1 − t0)/steps` at `t = t0 + k·h`, with no error test (for
    /// convergence-order measurements); returns the final state.
    /// - Throws: `ContinuousDepthError.invalidArgument` when `steps < 1`, or when some
    ///   sample's stage iteration fails at a step (the step is too large for the problem).
    static func integrateFixed<Payload>(from t0: Double, to t1: Double, steps: Int, initialState y0: [Double],
                                        attempt: (_ y: [Double], _ t: Double, _ h: Double) throws
                                            -> ImplicitStepAttempt<Payload>,
                                        accepted: () -> Void) throws -> [Double] {
        guard steps >= 1 else { throw ContinuousDepthError.invalidArgument("steps must be at least 1; got \(steps)") }
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
            guard step.state.allSatisfy(\.isFinite) else { throw ContinuousDepthError.nonFinite(time: t + h) }
            accepted()
            y = step.state
        }
        return y
    }
}
