// SPDX-License-Identifier: GPL-3.0-or-later

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
    /// - Parameter firstStage: `f(t, y)` if already known (FSAL), saving one evaluation.
    public init(_ tableau: ButcherTableau, field f: (Variable, Double) throws -> Variable,
                at t: Double, from y: Variable, by h: Double, firstStage: Variable? = nil) throws {
        var k: [Variable] = []
        k.reserveCapacity(tableau.stageCount)
        for i in 0..<tableau.stageCount {
            if i == 0, let firstStage {
                k.append(firstStage)
                continue
            }
            let yi = try RungeKuttaStep.combine(y, k, tableau.a[i], h)
            k.append(try f(yi, t + tableau.c[i] * h))
        }
        self.y = try RungeKuttaStep.combine(y, k, tableau.b, h)
        self.stages = k
    }

    /// `y + h Σ wⱼ kⱼ`, skipping zero weights.
    static func combine(_ y: Variable, _ k: [Variable], _ w: [Double], _ h: Double) throws -> Variable {
        var result = y
        for (j, wj) in w.enumerated() where wj != 0 && j < k.count {
            result = try result.adding(k[j], scaledBy: h * wj)
        }
        return result
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
