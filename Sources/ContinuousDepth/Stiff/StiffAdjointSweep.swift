// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The backward half of the stiff adjoint over a stretch of time covered by one
/// forward dense output `x(t)` (`AdjointStiffSystem`):
///
///     a′ = −J(x(t))ᵀ a   by Kvaerno5 from s₀ back through s₁, s₂, …, s_m,
///     a ← a + ∂ℓ/∂x(sⱼ)  on reaching sⱼ when it is an observation time,
///     a_θ ← a_θ + h Σᵢ bᵢ (−(∂f/∂θ)ᵀ zᵢ)   over the stage values zᵢ of every accepted step,
///
/// one adaptive solve per segment `[sⱼ, sⱼ₋₁]` (each starting afresh: `a` jumps at
/// its ends, so no step size or stage carries over). `StiffAdjoint` sweeps once
/// over the whole forward solve; `CheckpointedStiffAdjoint` once per re-solved
/// checkpoint interval. `a_θ` is the method's quadrature and enters no error test
/// (the seminorm of Kidger, Chen & Lyons, ICML 2021).
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.8; Chen et al., NeurIPS 2018.
struct StiffAdjointSweep {
    let options: SolverOptions
    let controller: any StepSizeController
    let maximumNewtonIterations: Int

    /// `a` integrated from `boundaries[0]` back to the last boundary; `jumps[j]`, when
    /// not `nil`, is added on reaching `boundaries[j + 1]`, and `parameterGradient`
    /// accumulates `a_θ`. The counts go to `system.statistics`.
    ///
    /// - Throws: `ContinuousDepthError` for solver failures (step size, step limit,
    ///   budget, non-finite values); the field's own errors.
    func integrate<Field: VectorField>(_ system: AdjointStiffSystem<Field>, from a: Tensor, through boundaries: [Double],
                                       jumps: [Tensor?], parameterGradient: inout [Tensor]) throws -> Tensor {
        guard boundaries.count >= 2, jumps.count == boundaries.count - 1 else {
            throw ContinuousDepthError.invalidArgument(
                "a backward sweep needs at least two boundaries and one jump slot per segment; got "
                    + "\(boundaries.count) boundaries and \(jumps.count) jumps")
        }
        let tableau = DiagonallyImplicitTableau.kvaerno5
        let driver = ImplicitStepDriver(options: options, controller: controller, errorOrder: tableau.embeddedOrder + 1)
        var a = a
        for j in 1..<boundaries.count {
            let (start, end) = (boundaries[j - 1], boundaries[j])
            let span = try IntegrationSpan(from: start, to: end, saving: .times([end]))
            // A new stepper per segment: `a` jumps at the observation time, so nothing carries over.
            let stepper = DiagonallyImplicitStepper(tableau: tableau, system: system,
                                                    maximumIterations: maximumNewtonIterations)
            let h0 = try options.initialStepSize
                ?? firstStepSize(system, state: a, at: start, order: tableau.order, direction: span.direction)
            let outcome = try driver.integrate(
                span: span, initialState: Variable(a), initialStepSize: h0, events: [], keepingDenseOutput: false,
                statistics: { system.statistics.solverStatistics },
                countAttempt: { accepted in
                    if accepted { system.statistics.acceptedSteps += 1 } else { system.statistics.rejectedSteps += 1 }
                },
                attempt: { y, t, h in try stepper.attempt(from: y, at: t, by: h) },
                slope: { y, t in try stepper.slope(at: y, time: t) },
                record: { step, t, h, _ in
                    stepper.stepAccepted()
                    // a_θ by the method's quadrature over the stage values (the first stage is aₙ itself).
                    for (i, stage) in step.payload.enumerated() where tableau.b[i] != 0 {
                        let (_, products) = try system.products(stage, at: t + tableau.c[i] * h)
                        for (p, product) in products.enumerated() {
                            parameterGradient[p] = try parameterGradient[p].adding(product, scaledBy: h * tableau.b[i])
                        }
                    }
                    return Variable(try system.tensor(step.state))
                })
            guard let reached = outcome.states.last?.value else {
                throw ContinuousDepthError.invalidArgument("the backward solve returned no state")
            }
            if let jump = jumps[j - 1] { a = try reached + jump } else { a = reached }
        }
        return a
    }
}
