// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Testing
import TensorCore
import TestSupport

/// Backprop through the solver, the continuous adjoint and the checkpointed
/// adjoint compute the same gradient of ℓ = ½Σ x(1)² up to errors that shrink
/// in proportion to the tolerance; the reference is backprop through
/// Dormand–Prince at rtol 1e-12, itself checked against central differences.
@Suite("Gradient methods agree with each other and with finite differences")
struct GradientMethodsAgreementTests {
    let field = GradientTestProblem.field
    let x0 = GradientTestProblem.x0
    let loss = GradientTestProblem.loss

    func flatten(_ g: ODEGradient) throws -> Tensor { try GradientTestProblem.flatten(g) }

    func backprop(_ rtol: Double) throws -> ODEGradient {
        try BackpropThroughSolver(EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2))
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)
    }

    func adjoint(_ rtol: Double, checkpointed: Bool) throws -> ODEGradient {
        let solver = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2,
                                            initialStepSize: 1e-3)
        return checkpointed
            ? try CheckpointedAdjoint(solver: solver).gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)
            : try ContinuousAdjoint(solver: solver).gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)
    }

    @Test("the reference gradient matches central differences of the tightly solved flow to 1e-7")
    func referenceMatchesFiniteDifferences() throws {
        let reference = try backprop(1e-12)
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-12, absoluteTolerance: 1e-14)
        let fd = try FiniteDifferences.gradient(at: x0, step: 1e-5) { x in
            0.5 * (try solver.solve(field, initialState: x, from: 0, to: 1).states[0]).square().sum()
        }
        #expect(try reference.initialState.relativeDifference(to: fd) <= 1e-7)
    }

    /// The checkpointed adjoint restarts every backward piece (1/64 of the span with the
    /// default N = 16, M = 4) with a trial step of the piece's length; on this smooth
    /// problem rkf45 accepts it at every tolerance tried, so its error is set by the
    /// checkpoint grid, not by rtol: it must be below the bound and below the plain
    /// adjoint's, but need not shrink further.
    @Test("backprop and adjoint errors ≤ 100·rtol and shrink with rtol; the checkpointed adjoint's stays below both bounds")
    func errorsProportionalToTolerance() throws {
        let reference = try flatten(backprop(1e-12))
        var previous: [String: Double] = [:]
        for rtol in [1e-4, 1e-6, 1e-8] {
            let methods: [(String, ODEGradient)] = [("backprop", try backprop(rtol)),
                                                    ("adjoint", try adjoint(rtol, checkpointed: false)),
                                                    ("checkpointed", try adjoint(rtol, checkpointed: true))]
            let plainAdjointError = try flatten(methods[1].1).relativeDifference(to: reference)
            #expect(try flatten(methods[2].1).relativeDifference(to: reference) <= plainAdjointError)
            for (name, g) in methods {
                let error = try flatten(g).relativeDifference(to: reference)
                print("gradient \(name) rtol \(rtol): relative error \(error), nfe forward \(g.forward.functionEvaluations) backward \(g.backward.functionEvaluations)")
                #expect(error <= 100 * rtol, "\(name) at rtol \(rtol): \(error)")
                if name != "checkpointed", let p = previous[name] { #expect(error < p, "\(name) did not improve from \(p) to \(error)") }
                previous[name] = error
            }
        }
    }
}
