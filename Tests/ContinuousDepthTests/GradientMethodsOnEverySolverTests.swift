// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import GSLBridge
import Testing
import RungeKuttaMethods
import TensorCore
import TestSupport

/// Every gradient method on every solver family: backprop through the solver,
/// the continuous adjoint (seminorm) and the checkpointed adjoint, with own
/// embedded pairs (Dormand–Prince 5(4), Tsitouras 5(4)) both ways, an own
/// fixed-step scheme both ways, and GSL steppers (backprop replays GSL's steps).
/// Each agrees with a reference gradient (backprop through Dormand–Prince at rtol
/// 1e-12, checked against central differences) within a tolerance-proportional
/// bound, so the methods also agree with each other within twice that bound.
@Suite("Every gradient method on every solver agrees with finite differences and with the others")
struct GradientMethodsOnEverySolverTests {
    let field = GradientTestProblem.field
    let x0 = GradientTestProblem.x0
    let loss = GradientTestProblem.loss

    func flatten(_ g: ODEGradient) throws -> Tensor { try GradientTestProblem.flatten(g) }

    func reference() throws -> Tensor {
        try flatten(BackpropThroughSolver(EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-12,
                                                                   absoluteTolerance: 1e-14))
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss))
    }

    /// The three gradients of one solver family at `rtol` (atol = rtol·1e-2).
    func gradients(_ family: String, rtol: Double) throws -> [(String, ODEGradient)] {
        let options = try SolverOptions(relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
        switch family {
        case "dopri5", "tsit5":
            let tableau: ButcherTableau = family == "dopri5" ? .dormandPrince54 : .tsitouras54
            let solver = try EmbeddedRungeKuttaSolver(tableau, options: options)
            let backward: @Sendable (SolverOptions) throws -> any ODESolver = { try EmbeddedRungeKuttaSolver(tableau, options: $0) }
            return [("backprop", try BackpropThroughSolver(solver).gradient(of: field, initialState: x0, from: 0,
                                                                            observationTimes: [1], loss: loss)),
                    ("adjoint", try ContinuousAdjoint(forward: solver, options: options, backward: backward)
                        .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)),
                    ("checkpointed", try CheckpointedAdjoint(forward: solver, options: options, backward: backward)
                        .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss))]
        case "rk4-fixed":
            // Fixed steps: the "tolerance" is the step count's error, h⁴ with h = 1/steps;
            // a multiple of 16 puts the 16 checkpoints on the grid.
            let steps = 16 * Int((2 * (1 / rtol).squareRoot().squareRoot() / 16).rounded(.up))
            let solver = try FixedStepSolver(.rungeKutta4, stepCount: steps)
            let backward: @Sendable (SolverOptions) throws -> any ODESolver = { _ in try FixedStepSolver(.rungeKutta4, stepCount: steps) }
            return [("backprop", try BackpropThroughSolver(solver).gradient(of: field, initialState: x0, from: 0,
                                                                            observationTimes: [1], loss: loss)),
                    ("adjoint", try ContinuousAdjoint(forward: solver, options: options, backward: backward)
                        .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)),
                    ("checkpointed", try CheckpointedAdjoint(forward: solver, options: options, recomputedPointsPerInterval: 1,
                                                             backward: backward)
                        .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss))]
        default:
            let type = try #require(GSLStepType(rawValue: family))
            let solver = GSLNeuralODESolver(stepType: type, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2,
                                            initialStepSize: 1e-3)
            return [("backprop", try BackpropThroughSolver(GSLReplaySolver(solver)).gradient(
                        of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)),
                    ("adjoint", try ContinuousAdjoint(solver: solver)
                        .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)),
                    ("checkpointed", try CheckpointedAdjoint(solver: solver)
                        .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss))]
        }
    }

    @Test("the reference matches central differences to 1e-7")
    func referenceMatchesFiniteDifferences() throws {
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-12, absoluteTolerance: 1e-14)
        let fd = try FiniteDifferences.gradient(at: x0, step: 1e-5) { x in
            0.5 * (try solver.solve(field, initialState: x, from: 0, to: 1).states[0]).square().sum()
        }
        let g = try BackpropThroughSolver(solver).gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)
        #expect(try g.initialState.relativeDifference(to: fd) <= 1e-7)
    }

    @Test("backprop, adjoint and checkpointed errors ≤ 100·rtol, shrinking with rtol, and within 200·rtol of each other",
          arguments: ["dopri5", "tsit5", "rk4-fixed", "rkf45", "rkck", "rk8pd"])
    func everyMethodAgrees(family: String) throws {
        let reference = try reference()
        var previous: [String: Double] = [:]
        for rtol in [1e-5, 1e-7] {
            let methods = try gradients(family, rtol: rtol)
            let flat = try methods.map { try flatten($0.1) }
            for ((name, g), vector) in zip(methods, flat) {
                let error = try vector.relativeDifference(to: reference)
                print("\(family) \(name) rtol \(rtol): error \(error), nfe \(g.forward.functionEvaluations) + \(g.backward.functionEvaluations)")
                #expect(error <= 100 * rtol, "\(family) \(name) at rtol \(rtol): \(error)")
                // GSL's checkpointed adjoint restarts every piece (1/64 of the span) with a step
                // as long as the piece, which rkf45/rkck accept at every tolerance here: its
                // error is set by the checkpoint grid, not by rtol (see GradientMethodsAgreementTests).
                let gridBound = family.hasPrefix("rk") && family != "rk4-fixed" && name == "checkpointed"
                if let p = previous[name], !gridBound {
                    #expect(error < p, "\(family) \(name) did not improve from \(p) to \(error)")
                }
                previous[name] = error
            }
            for i in flat.indices { for j in flat.indices where j > i {
                #expect(try flat[i].relativeDifference(to: flat[j]) <= 200 * rtol,
                        "\(family): \(methods[i].0) vs \(methods[j].0) at rtol \(rtol)")
            } }
        }
    }

    @Test("GSL backprop replays GSL's own steps: one replayed step equals GSL's step to round-off",
          arguments: [GSLStepType.rk2, .rk4, .rkf45, .rkck, .rk8pd])
    func replayedStepEqualsGSL(stepType: GSLStepType) throws {
        let system = GSLODESystem(dimension: 2) { t, y in [y[1] * cos(t), -y[0] + 0.3 * y[1] * y[1]] }
        let gsl = try GSLODESolver(system: system, stepType: stepType, relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
        let (t, y, h) = (0.3, [0.7, -0.4], 0.2)
        let theirs = try gsl.step(at: t, from: y, by: h).state
        let (tableau, substeps) = try #require(stepType.replayTableau)
        var state = Variable(try Tensor(shape: [1, 2], scalars: y))
        func f(_ v: Variable, _ time: Double) throws -> Variable {
            let x = v.value.scalars
            return Variable(try Tensor(shape: [1, 2], scalars: [x[1] * cos(time), -x[0] + 0.3 * x[1] * x[1]]))
        }
        for j in 0..<substeps {
            state = try RungeKuttaStep(tableau, field: f, at: t + Double(j) * h / Double(substeps), from: state,
                                       by: h / Double(substeps)).y
        }
        for (ours, gslValue) in zip(state.value.scalars, theirs) { #expect(abs(ours - gslValue) <= 1e-15 * 8) }
    }
}
