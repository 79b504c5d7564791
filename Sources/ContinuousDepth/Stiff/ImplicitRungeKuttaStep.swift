// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// One step of a fully implicit Runge–Kutta method (`ImplicitRungeKuttaTableau`) on the tape:
///
///     Zᵢ = yₙ + h Σⱼ aᵢⱼ f(tₙ + cⱼh, Zⱼ; θ)   (solved by Newton to round-off, untracked),
///     yₙ₊₁ = yₙ + h Σᵢ bᵢ f(tₙ + cᵢh, Zᵢ; θ)  (recorded).
///
/// The stages enter the tape by the implicit-function rule (`CoupledImplicitStageOperation`),
/// the `s` evaluations `f(Zᵢ)` and the weighted sum as ordinary operations, so reverse mode
/// differentiates the discrete map `yₙ ↦ yₙ₊₁` exactly (to the stages' round-off) without
/// differentiating Newton's iterations. With untracked inputs it is a plain forward step.
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.5 and §IV.8.
public enum ImplicitRungeKuttaStep {
    /// The default bound on Newton iterations per step (quadratic convergence needs 3–6 from `Zᵢ = yₙ`).
    public static let defaultMaximumNewtonIterations = 16

    /// `yₙ₊₁` from `y = yₙ` (`[batch, d]`) at `t` by `h`.
    ///
    /// - Parameters:
    ///   - tableau: the method (`A`, `b`, `c`).
    ///   - field: `f(x, t; θ)`.
    ///   - y: `yₙ`, `[batch, d]`, tracked or not.
    ///   - t: `tₙ`.
    ///   - h: the step size.
    ///   - theta: `θ` in the field's parameter order.
    ///   - maximumNewtonIterations: the bound on Newton iterations for the stages.
    ///   - evaluations: incremented by every evaluation of `f` (Newton's and the `s` recorded ones;
    ///     the forward-mode Jacobians are not counted).
    /// - Throws: `ContinuousDepthError.invalidArgument` for a state that is not `[batch, field.dimension]`
    ///   or a non-finite `h`; `.stageEquationsDidNotConverge(time: t, …)` when Newton fails within
    ///   `maximumNewtonIterations`; the field's errors.
    public static func step<Field: VectorField>(_ tableau: ImplicitRungeKuttaTableau, field: Field, from y: Variable,
                                                at t: Double, by h: Double, parameters theta: [Variable],
                                                maximumNewtonIterations: Int = defaultMaximumNewtonIterations,
                                                evaluations: inout Int) throws -> Variable {
        guard y.shape.count == 2, y.shape[0] >= 1, y.shape[1] == field.dimension else {
            throw ContinuousDepthError.invalidArgument(
                "the state must have shape [batch, \(field.dimension)]; got \(y.shape)")
        }
        guard h.isFinite, t.isFinite else {
            throw ContinuousDepthError.invalidArgument("an implicit step needs a finite t and h; got t = \(t), h = \(h)")
        }
        guard maximumNewtonIterations >= 1 else {
            throw ContinuousDepthError.invalidOption(name: "maximumNewtonIterations",
                                                     reason: "must be at least 1; got \(maximumNewtonIterations)")
        }
        let stages = try ImplicitRungeKuttaStages.solve(tableau, field: field, from: y.value, at: t, by: h,
                                                        parameters: theta.map(\.value),
                                                        maximumIterations: maximumNewtonIterations,
                                                        evaluations: &evaluations)
        let stacked = try CoupledImplicitStageOperation.record(stages: stages, from: y, tableau: tableau, at: t, by: h,
                                                               field: field, parameters: theta)
        let batch = y.shape[0]
        var slopes: [Variable] = []
        for i in 0..<tableau.stageCount {
            let zi = try stacked.slice((i * batch)..<((i + 1) * batch), alongAxis: 0)
            slopes.append(try field(zi, time: t + tableau.c[i] * h, parameters: theta))
        }
        evaluations += tableau.stageCount
        return try y.adding(slopes, scaledBy: tableau.b.map { h * $0 })
    }
}
