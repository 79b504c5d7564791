// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import GSLBridge
import RungeKuttaMethods
import Testing
import TensorCore
import TestSupport

/// Backprop through GSL's multistep steppers (`GSLReplaySolver` with the Nordsieck
/// replays) on the shared gradient problem (`GradientTestProblem`): it agrees with
/// the reference gradient (backprop through Dormand–Prince at rtol 1e-12) within a
/// tolerance-proportional bound that shrinks with rtol, with the continuous adjoint
/// on the same stepper, and with central differences of the GSL solve itself.
@Suite("Backprop through GSL's msadams and msbdf agrees with the reference, the adjoint and finite differences")
struct GSLMultistepBackpropTests {
    let field = GradientTestProblem.field
    let x0 = GradientTestProblem.x0
    let loss = GradientTestProblem.loss

    func reference() throws -> Tensor {
        try GradientTestProblem.flatten(
            BackpropThroughSolver(EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-12, absoluteTolerance: 1e-14))
                .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss))
    }

    func solver(_ stepType: GSLStepType, rtol: Double) -> GSLNeuralODESolver {
        GSLNeuralODESolver(stepType: stepType, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2, initialStepSize: 1e-3)
    }

    @Test("backprop and adjoint errors ≤ 100·rtol, backprop's shrinking with rtol, the two within 200·rtol",
          arguments: [GSLStepType.msadams, .msbdf])
    func agreesWithReferenceAndAdjoint(stepType: GSLStepType) throws {
        let reference = try reference()
        var previous = Double.infinity
        for rtol in [1e-5, 1e-7, 1e-9] {
            let gsl = solver(stepType, rtol: rtol)
            let backprop = try BackpropThroughSolver(GSLReplaySolver(gsl))
                .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)
            let adjoint = try ContinuousAdjoint(solver: gsl)
                .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)
            let (b, a) = (try GradientTestProblem.flatten(backprop), try GradientTestProblem.flatten(adjoint))
            let (backpropError, adjointError) = (try b.relativeDifference(to: reference), try a.relativeDifference(to: reference))
            let between = try b.relativeDifference(to: a)
            print("\(stepType) rtol \(rtol): backprop \(backpropError) (\(backprop.forward.functionEvaluations) + "
                  + "\(backprop.backward.functionEvaluations) evaluations), adjoint \(adjointError), between \(between)")
            #expect(backpropError <= 100 * rtol, "\(stepType) backprop at rtol \(rtol)")
            #expect(adjointError <= 100 * rtol, "\(stepType) adjoint at rtol \(rtol)")
            #expect(between <= 200 * rtol, "\(stepType) backprop vs adjoint at rtol \(rtol)")
            #expect(backpropError < previous, "\(stepType) backprop did not improve from \(previous) at rtol \(rtol)")
            previous = backpropError
        }
    }

    /// The central difference of the adaptive GSL solve converges to backprop's
    /// gradient like `δ²` (2.4e-7 at δ = 1e-3, 2.4e-9 at 1e-4, measured) down to
    /// 5e-10–1e-9 at δ = 1e-5: the replayed map is the derivative of the solve GSL
    /// takes, its step sizes held fixed (they move continuously with `x₀` here).
    @Test("backprop's ∂ℓ/∂x₀ matches central differences of the GSL solve at rtol 1e-10, converging like δ²",
          arguments: [GSLStepType.msadams, .msbdf])
    func agreesWithFiniteDifferencesOfTheSolve(stepType: GSLStepType) throws {
        let gsl = solver(stepType, rtol: 1e-10)
        let backprop = try BackpropThroughSolver(GSLReplaySolver(gsl))
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)
        let errors = try [1e-3, 1e-4, 1e-5].map { step in
            let fd = try FiniteDifferences.gradient(at: x0, step: step) { x in
                0.5 * (try gsl.solve(field, initialState: x, from: 0, to: 1).states[0]).square().sum()
            }
            return try backprop.initialState.relativeDifference(to: fd)
        }
        print("\(stepType) central differences at δ = 1e-3, 1e-4, 1e-5: \(errors)")
        #expect(errors[1] <= 1e-8)
        #expect(errors[2] <= 5e-9)
        #expect(errors[0] / errors[1] >= 50, "the difference does not shrink like δ²")
    }
}
