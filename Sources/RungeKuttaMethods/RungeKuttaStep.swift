// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// One explicit Runge–Kutta step of `y' = f(t, y)` on variables, so that the
/// autodiff differentiates through it (backprop through the solver).
public struct RungeKuttaStep {
    /// The new state `yₙ₊₁ = yₙ + h Σ bᵢkᵢ`.
    public let y: Variable
    /// The stages `kᵢ` (reused for FSAL, dense output and error estimates).
    public let stages: [Variable]

    /// Takes one step of `tableau` from `(t, y)` with step `h`.
    ///
    /// Terms with a zero coefficient are skipped, so the explicit Euler step is
    /// exactly `y + h·f(t, y)`, the residual block.
    /// - Parameters:
    ///   - tableau: the explicit method (`a` strictly lower triangular, weights `b`, nodes `c`).
    ///   - f: the right-hand side `(y, t) ↦ f(t, y)`, returning a variable shaped as `y`.
    ///   - t: the time at the start of the step.
    ///   - y: the state `yₙ` at `t`, any shape (a batch `[batch, d]` for the solvers).
    ///   - h: the step size (negative to step backwards in time).
    ///   - firstStage: `f(t, y)` if already known (FSAL), saving one evaluation.
    public init(_ tableau: ButcherTableau, field f: (Variable, Double) throws -> Variable,
                at t: Double, from y: Variable, by h: Double, firstStage: Variable? = nil) throws {
        var k: [Variable] = []
        k.reserveCapacity(tableau.stageCount)
        var lastStageInput = y
        for i in 0..<tableau.stageCount {
            if i == 0, let firstStage {
                k.append(firstStage)
                continue
            }
            let yi = try RungeKuttaStep.combining(y, stages: k, weights: tableau.a[i], stepSize: h)
            k.append(try f(yi, t + tableau.c[i] * h))
            lastStageInput = yi
        }
        // FSAL: the last stage is evaluated at yₙ + h Σ aₛⱼkⱼ with aₛⱼ = bⱼ and bₛ = 0,
        // which is yₙ₊₁ computed by the same operations in the same order.
        self.y = tableau.isFirstSameAsLast && tableau.stageCount > 1
            ? lastStageInput
            : try RungeKuttaStep.combining(y, stages: k, weights: tableau.b, stepSize: h)
        self.stages = k
    }

    /// `y + h Σⱼ wⱼ kⱼ` over the first `min(w.count, k.count)` stages, skipping zero
    /// weights: a stage input, a step's result, or a dense-output value.
    ///
    /// One recorded operation (`Variable.adding(_:scaledBy:)`, one new tensor),
    /// accumulated term by term in the order of `j`, so tracked and untracked
    /// variables give the same rounding:
    ///
    ///     ẏ = ẏₙ + h Σ wⱼ k̇ⱼ,    ȳₙ = ȳ,    k̄ⱼ = h wⱼ ȳ
    /// Untracked inputs give an untracked result without touching any tape.
    /// - Throws: `TensorError.shapeMismatch` when a stage's shape differs from `y`'s.
    public static func combining(_ y: Variable, stages k: [Variable], weights w: [Double],
                                 stepSize h: Double) throws -> Variable {
        let n = Swift.min(w.count, k.count)
        var terms: [Variable] = []
        var scales: [Double] = []
        for j in 0..<n where w[j] != 0 {
            terms.append(k[j])
            scales.append(h * w[j])
        }
        if terms.isEmpty { return y }
        return try y.adding(terms, scaledBy: scales)
    }

    /// The local error estimate `h Σ (bᵢ − b̂ᵢ) kᵢ` of an embedded pair (as a tensor, not differentiated).
    public static func errorEstimate(_ tableau: ButcherTableau, stages k: [Variable], stepSize h: Double) throws -> Tensor? {
        guard let bHat = tableau.embeddedB, let first = k.first else { return nil }
        var e = Tensor.zeros(like: first.value)
        for (i, ki) in k.enumerated() where tableau.b[i] != bHat[i] {
            try e.add(ki.value, scaledBy: h * (tableau.b[i] - bHat[i]))
        }
        return e
    }
}
