// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import GSLBridge
import Testing
import TensorCore
import TestSupport

/// Backprop through GSL's implicit Runge–Kutta steppers (`rk1imp`, `rk2imp`, `rk4imp`):
/// the replay (`ImplicitRungeKuttaReplay`) re-takes GSL's step-doubled steps with the
/// stages solved to round-off, so it differs from GSL's step by GSL's Newton error only,
/// and its gradient agrees with the reference and with the continuous adjoint.
@Suite("GSL's implicit Runge–Kutta steppers replayed on the tape")
struct GSLImplicitReplayTests {
    /// `y′ = (y₁ cos t, −y₀ + 0.3 y₁²)`, with `J = [[0, cos t], [−1, 0.6 y₁]]`.
    static var system: GSLODESystem {
        GSLODESystem(
            dimension: 2,
            rightHandSide: { t, y in [y[1] * cos(t), -y[0] + 0.3 * y[1] * y[1]] },
            jacobian: { t, y in
                GSLJacobian(stateJacobian: [0, cos(t), -1, 0.6 * y[1]], timeDerivative: [-y[1] * sin(t), 0])
            })
    }

    /// The same field on the tape, row by row.
    static let field = ClosureVectorField(dimension: 2) { x, t, _ in
        let x0 = try x.slice(0..<1, alongAxis: 1), x1 = try x.slice(1..<2, alongAxis: 1)
        return try Variable.concatenate([x1.scaled(by: cos(t)), try x1.square().scaled(by: 0.3) - x0], alongAxis: 1)
    }

    /// GSL's Newton stops when its estimated remaining stage error is below
    /// `errlev = atol + rtol·|yᵢ|` (Hairer & Wanner's test `η‖ΔZ/errlev‖ < 1`); a stage
    /// error `δZ` moves `yₙ₊₁ = y + h Σ bᵢ f(Zᵢ)` by at most `h Σ|bᵢ| ‖J‖∞ ‖δZ‖`, twice
    /// (two half steps of h/2). So `|ours − GSL| ≤ h·‖J‖∞·max errlev`, with ‖J‖∞ ≤ 1.5 here.
    @Test("One replayed step equals GSL's step to within GSL's Newton tolerance (h·‖J‖·errlev), and to 1e-13 at rtol = atol = 1e-12",
          arguments: [GSLStepType.rk1imp, .rk2imp, .rk4imp])
    func replayedStepEqualsGSL(stepType: GSLStepType) throws {
        let (t, y, h) = (0.3, [0.7, -0.4], 0.05)
        for tolerance in [1e-6, 1e-9, 1e-12] {
            let gsl = try GSLODESolver(system: Self.system, stepType: stepType, relativeTolerance: tolerance,
                                       absoluteTolerance: tolerance)
            let theirs = try gsl.step(at: t, from: y, by: h).state
            // The replay GSLReplaySolver uses: its tableau, `substeps` steps of h/substeps.
            let replay = try #require(stepType.makeStepReplay() as? ImplicitRungeKuttaReplay)
            #expect(replay.substeps == 2)
            var state = Variable(try Tensor(shape: [1, 2], scalars: y)), evaluations = 0
            let substep = h / Double(replay.substeps)
            for j in 0..<replay.substeps {
                state = try ImplicitRungeKuttaStep.step(replay.tableau, field: Self.field, from: state,
                                                        at: t + Double(j) * substep, by: substep, parameters: [],
                                                        evaluations: &evaluations)
            }
            let ours = state.value.scalars
            let difference = zip(ours, theirs).map { abs($0 - $1) }.max() ?? .nan
            let errlev = tolerance + tolerance * (y.map(abs).max() ?? 0) * 1.1
            let bound = h * 1.5 * errlev
            print("\(stepType.rawValue) tol \(tolerance): |replay − GSL| = \(difference) (bound \(bound)), \(evaluations) evaluations")
            #expect(difference <= bound, "\(stepType.rawValue) at tolerance \(tolerance): \(difference) > \(bound)")
            if tolerance == 1e-12 { #expect(difference <= 1e-13) }
        }
    }

    func reference() throws -> Tensor {
        try GradientTestProblem.flatten(BackpropThroughSolver(EmbeddedRungeKuttaSolver(
            .dormandPrince54, relativeTolerance: 1e-12, absoluteTolerance: 1e-14))
            .gradient(of: GradientTestProblem.field, initialState: GradientTestProblem.x0, from: 0,
                      observationTimes: [1], loss: GradientTestProblem.loss))
    }

    @Test("Backprop through rk1imp/rk2imp/rk4imp: error ≤ 100·rtol against the reference, shrinking with rtol, and within 200·rtol of the continuous adjoint on the same stepper",
          arguments: [(GSLStepType.rk1imp, [1e-3, 1e-4]), (.rk2imp, [1e-5, 1e-7]), (.rk4imp, [1e-5, 1e-7])])
    func gradientsAgree(stepType: GSLStepType, tolerances: [Double]) throws {
        let reference = try reference()
        var previous = Double.infinity
        for rtol in tolerances {
            let solver = GSLNeuralODESolver(stepType: stepType, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2,
                                            initialStepSize: 1e-3)
            let backprop = try BackpropThroughSolver(GSLReplaySolver(solver)).gradient(
                of: GradientTestProblem.field, initialState: GradientTestProblem.x0, from: 0, observationTimes: [1],
                loss: GradientTestProblem.loss)
            let adjoint = try ContinuousAdjoint(solver: solver).gradient(
                of: GradientTestProblem.field, initialState: GradientTestProblem.x0, from: 0, observationTimes: [1],
                loss: GradientTestProblem.loss)
            let (b, a) = (try GradientTestProblem.flatten(backprop), try GradientTestProblem.flatten(adjoint))
            let error = try b.relativeDifference(to: reference)
            let adjointError = try a.relativeDifference(to: reference)
            print("\(stepType.rawValue) rtol \(rtol): backprop error \(error) (nfe \(backprop.forward.functionEvaluations) + \(backprop.backward.functionEvaluations)), adjoint error \(adjointError) (nfe \(adjoint.forward.functionEvaluations) + \(adjoint.backward.functionEvaluations))")
            #expect(error <= 100 * rtol, "\(stepType.rawValue) backprop at rtol \(rtol): \(error)")
            #expect(error < previous, "\(stepType.rawValue) backprop did not improve from \(previous) to \(error)")
            #expect(try b.relativeDifference(to: a) <= 200 * rtol, "\(stepType.rawValue) backprop vs adjoint at \(rtol)")
            previous = error
        }
    }

    @Test("The implicit steppers have a replay: makeStepReplay returns ImplicitRungeKuttaReplay and a neural ODE block accepts backprop with them")
    func implicitSteppersAreReplayable() throws {
        for stepType in [GSLStepType.rk1imp, .rk2imp, .rk4imp] {
            #expect(stepType.makeStepReplay() is ImplicitRungeKuttaReplay)
            let spec = try NeuralODESpec(dimension: 2, hidden: 4, solver: .gsl(stepType), gradient: .backprop)
            _ = try NeuralODEBlock(spec: spec, seed: 1)
        }
    }
}
