// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The replay of GSL's implicit Runge–Kutta steppers (`rk1imp`, `rk2imp`, `rk4imp`):
/// GSL returns the step-doubled result, two steps of `h/2` with the method
/// (implicit Euler, implicit midpoint, two-stage Gauss–Legendre), each
///
///     Zᵢ = y + (h/2) Σⱼ aᵢⱼ f(t + cⱼh/2, Zⱼ),   y ← y + (h/2) Σᵢ bᵢ f(t + cᵢh/2, Zᵢ),
///
/// the second from `t + h/2`. GSL solves the stages by a modified Newton iteration that
/// stops at its error tolerance (`errlev = atol + rtol·|y|`, at most 7 iterations); the
/// replay solves the same equations by Newton to round-off (`ImplicitRungeKuttaStep`) and
/// records them by the implicit-function rule. Its states therefore differ from GSL's by
/// GSL's iteration error (≲ `h‖J‖·errlev` a step), not by round-off; the gradient is the
/// exact derivative of the exactly solved discrete map on GSL's step grid.
public struct ImplicitRungeKuttaReplay: GSLStepReplay {
    public let tableau: ImplicitRungeKuttaTableau
    /// Steps of `h / substeps` per GSL step (2: GSL's step doubling).
    public let substeps: Int
    public let maximumNewtonIterations: Int

    public init(tableau: ImplicitRungeKuttaTableau, substeps: Int,
                maximumNewtonIterations: Int = ImplicitRungeKuttaStep.defaultMaximumNewtonIterations) {
        self.tableau = tableau
        self.substeps = substeps
        self.maximumNewtonIterations = maximumNewtonIterations
    }

    public mutating func replay<Field: VectorField>(_ step: GSLReplayedStep, from y: Variable, field: Field,
                                                    parameters theta: [Variable], evaluations: inout Int) throws -> Variable {
        guard substeps >= 1 else {
            throw ContinuousDepthError.invalidOption(name: "substeps", reason: "must be at least 1; got \(substeps)")
        }
        let h = step.stepSize / Double(substeps)
        var state = y
        for j in 0..<substeps {
            state = try ImplicitRungeKuttaStep.step(tableau, field: field, from: state, at: step.start + Double(j) * h,
                                                    by: h, parameters: theta,
                                                    maximumNewtonIterations: maximumNewtonIterations,
                                                    evaluations: &evaluations)
        }
        return state
    }
}
