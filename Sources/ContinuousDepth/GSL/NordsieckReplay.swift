// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The replay of GSL's variable-order multistep steppers (`msadams` with
/// `AdamsNordsieckMethod`, `msbdf` with `BDFNordsieckMethod`): the Nordsieck
/// history (`NordsieckHistory`) is carried from step to step on the tape, and each
/// accepted step of order `q` (GSL's, read in the bridge: `GSLReplayedStep.order`) is
///
/// 1. a (re)start when it is the first step, or when GSL restarted its method
///    (order 1 after an order above 2: `z = [yₙ, h·f(tₙ, yₙ)]`);
/// 2. the method's row adjustment when `q` differs by one from the last step's order;
/// 3. rescaling and prediction to the new step `h` (GSL's `h`, the step's length);
/// 4. the corrector `yₙ₊₁ = e + (h/l₁)·f(tₙ₊₁, yₙ₊₁)` solved to round-off
///    (`NordsieckCorrector`), and the correction of the rows along `l`.
///
/// GSL's rejected attempts leave no trace: GSL restores the history saved after
/// the last accepted step before it retries. A restart that GSL makes at order 1
/// or 2 (after repeated rejections) is not visible in the order, and needs none:
/// `z₁ = h·f(tₙ, yₙ)` after every step at a converged corrector, which is what a
/// restart builds. The replay's states therefore differ from GSL's only by GSL's
/// corrector iteration error (a fraction of the tolerance per step), and its
/// gradient is the exact derivative of the solution of the replayed discrete map.
///
/// Reference: Byrne & Hindmarsh, ACM TOMS 1 (1975) 71–96; the CVODE documentation
/// (Hindmarsh & Serban), §“Mathematical considerations”.
struct NordsieckReplay<Method: NordsieckMethod>: GSLStepReplay {
    private var history: NordsieckHistory?

    init() {}

    mutating func replay<Field: VectorField>(_ step: GSLReplayedStep, from y: Variable, field: Field,
                                             parameters theta: [Variable], evaluations: inout Int) throws -> Variable {
        let q = step.order, h = step.stepSize
        guard q >= 1, q <= Method.maximumOrder else {
            throw ContinuousDepthError.invalidArgument(
                "GSL reported order \(q) at t = \(step.start); the method has orders 1–\(Method.maximumOrder)")
        }
        var current: NordsieckHistory
        if var carried = history, step.index > 0, abs(q - carried.order) <= 1 {
            carried.rows[0] = y
            if q == carried.order + 1 { try Method.raiseOrder(of: &carried, stepSize: h) }
            if q == carried.order - 1 { try Method.lowerOrder(of: &carried, stepSize: h) }
            current = carried
        } else {
            guard q == 1 else {
                throw ContinuousDepthError.invalidArgument(
                    "GSL changed the order from \(history?.order ?? 0) to \(q) at t = \(step.start); "
                        + "a multistep method changes it by one or restarts at order 1")
            }
            let slope = try field(y, time: step.start, parameters: theta)
            evaluations += 1
            current = NordsieckHistory(state: y, scaledSlope: try slope.scaled(by: h), stepSize: h)
            current.pastStepSizes = history?.pastStepSizes ?? []
        }
        let predicted = try current.predicted(for: h)
        let l = try Method.coefficients(order: q, stepSize: h, pastStepSizes: current.pastStepSizes)
        let scale = h / l[1]
        let explicitPart = try predicted[0] - predicted[1].scaled(by: 1 / l[1])
        let solution = try NordsieckCorrector.solve(explicitPart: explicitPart, scale: scale, time: step.start + h,
                                                    predictor: predicted[0].value, field: field, parameters: theta,
                                                    evaluations: &evaluations)
        try current.correct(predicted: predicted, solution: solution, coefficients: l, stepSize: h)
        history = current
        return solution
    }
}
