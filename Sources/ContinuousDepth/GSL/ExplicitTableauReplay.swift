// SPDX-License-Identifier: GPL-3.0-or-later
import RungeKuttaMethods
import TensorCore

/// The replay of an explicit Runge–Kutta stepper: `substeps` steps of `h/substeps`
/// with the tableau GSL applies (`GSLStepType.replayTableau`).
public struct ExplicitTableauReplay: GSLStepReplay {
    public let tableau: ButcherTableau
    public let substeps: Int

    public init(tableau: ButcherTableau, substeps: Int) {
        self.tableau = tableau
        self.substeps = substeps
    }

    public mutating func replay<Field: VectorField>(_ step: GSLReplayedStep, from y: Variable, field: Field,
                                                    parameters theta: [Variable], evaluations: inout Int) throws -> Variable {
        var count = 0
        let f = { (x: Variable, t: Double) throws -> Variable in
            count += 1
            return try field(x, time: t, parameters: theta)
        }
        let h = step.stepSize / Double(substeps)
        var state = y
        for j in 0..<substeps {
            state = try RungeKuttaStep(tableau, field: f, at: step.start + Double(j) * h, from: state, by: h).y
        }
        evaluations += count
        return state
    }
}
