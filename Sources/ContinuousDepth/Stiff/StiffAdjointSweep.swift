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
/// checkpoint interval. `a_θ` is the method's quadrature; with `.seminorm` it enters
/// no error test (Kidger, Chen & Lyons, ICML 2021), with `.fullState` its embedded
/// estimate `h Σᵢ (bᵢ − b̂ᵢ)(−(∂f/∂θ)ᵀ zᵢ)` is tested too (each parameter tensor in the
/// RMS norm with `rtol` and the smallest `atol`; a step passes when `a`'s norm and
/// every parameter's are ≤ 1). The seminorm's argument — `a_θ`'s accuracy follows
/// from that of the integrated states — needs `x` among them; here `x` is read off
/// the forward dense output, so on a fast transient the backward steps can outgrow
/// what the quadrature resolves (measured on a stiff batch: 280·rtol against
/// central differences with the seminorm, see `StiffAdjointErrorNormTests`).
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.8; Chen et al., NeurIPS 2018.
struct StiffAdjointSweep {
    let options: SolverOptions
    let controller: any StepSizeController
    let maximumNewtonIterations: Int
    /// Whether `a_θ`'s quadrature error is tested (`.fullState`) or not (`.seminorm`).
    let errorNorm: AdjointErrorNorm

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
            // The stage products of the last tested attempt, reused when it is accepted.
            var tested: (time: Double, stepSize: Double, products: [[Tensor]?])?
            let outcome = try driver.integrate(
                span: span, initialState: Variable(a), initialStepSize: h0, events: [], keepingDenseOutput: false,
                counting: system,
                attempt: { y, t, h in
                    var step = try stepper.attempt(from: y, at: t, by: h)
                    guard errorNorm == .fullState, !step.newtonFailed, step.errorNorm.isFinite else { return step }
                    let products = try stageProducts(system, stages: step.payload, tableau: tableau, at: t, by: h)
                    step.errorNorm = Swift.max(step.errorNorm, try quadratureErrorNorm(products, tableau: tableau, by: h,
                                                                                         accumulated: parameterGradient))
                    tested = (t, h, products)
                    return step
                },
                slope: { y, t in try stepper.slope(at: y, time: t) },
                record: { step, t, h, _ in
                    stepper.stepAccepted()
                    // a_θ by the method's quadrature over the stage values (the first stage is aₙ itself).
                    let products: [[Tensor]?]
                    if let tested, tested.time == t, tested.stepSize == h { products = tested.products } else {
                        products = try stageProducts(system, stages: step.payload, tableau: tableau, at: t, by: h)
                    }
                    for (i, stageProducts) in products.enumerated() where tableau.b[i] != 0 {
                        guard let stageProducts else { continue }
                        for (p, product) in stageProducts.enumerated() {
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

    /// `−(∂f/∂θ)ᵀ zᵢ` for every stage the quadrature or its error estimate weighs (`nil` for the others).
    private func stageProducts<Field: VectorField>(_ system: AdjointStiffSystem<Field>, stages: [[Double]],
                                                   tableau: DiagonallyImplicitTableau, at t: Double,
                                                   by h: Double) throws -> [[Tensor]?] {
        try stages.enumerated().map { i, stage in
            let weighed = tableau.b[i] != 0 || (errorNorm == .fullState && tableau.b[i] != tableau.embeddedB[i])
            return weighed ? try system.products(stage, at: t + tableau.c[i] * h).parameters : nil
        }
    }

    /// The largest RMS norm, over the parameter tensors, of the quadrature's embedded error estimate
    /// scaled by `atol + rtol·max(|a_θ|, |a_θ + h Σ bᵢ Pᵢ|)`.
    private func quadratureErrorNorm(_ products: [[Tensor]?], tableau: DiagonallyImplicitTableau, by h: Double,
                                     accumulated: [Tensor]) throws -> Double {
        let tolerance = try ErrorTolerance(relative: options.tolerance.relative,
                                           absolute: options.tolerance.absolute.min() ?? options.tolerance.relative)
        var largest = 0.0
        for (p, start) in accumulated.enumerated() {
            var stages: [Tensor] = [], errorWeights: [Double] = [], end = start
            for (i, stageProducts) in products.enumerated() {
                guard let product = stageProducts?[p] else { continue }
                if tableau.b[i] != 0 { end = try end.adding(product, scaledBy: h * tableau.b[i]) }
                if tableau.b[i] != tableau.embeddedB[i] {
                    stages.append(product)
                    errorWeights.append(h * (tableau.b[i] - tableau.embeddedB[i]))
                }
            }
            guard !stages.isEmpty else { continue }
            let norm = try tolerance.norm(combining: stages, weights: errorWeights, from: start, to: end)
            guard norm.isFinite else { return .nan }
            largest = Swift.max(largest, norm)
        }
        return largest
    }
}
