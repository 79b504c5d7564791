// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import ContinuousDepth
import NetworkLayers
import RungeKuttaMethods
import TensorCore

/// `Trajectory.nextStepSize` from the own embedded pairs, and its use as the
/// continuous adjoint's first backward step.
struct EmbeddedRungeKuttaNextStepTests {
    @Test("nextStepSize is the controller's proposal after the last step: signed by the direction, within [0.2, 10]× that step; nil for fixed steps")
    func nextStepSizeIsTheLastProposal() throws {
        let field = try OwnSolverProblems.rotationDecay(decay: 0.5, frequency: 2)
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        for tableau in [ButcherTableau.dormandPrince54, .tsitouras54] {
            let solver = try EmbeddedRungeKuttaSolver(tableau, relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
            for (t0, t1) in [(0.0, 4.0), (4.0, 0.0)] {
                let direction: Double = t1 > t0 ? 1 : -1
                let steps = try solver.solve(field, initialState: x0, from: t0, to: t1, saving: .everyStep)
                let next = try #require(steps.nextStepSize)
                let last = abs(steps.times[steps.times.count - 1] - steps.times[steps.times.count - 2])
                // The standard controller's factors lie in [0.2, 10].
                #expect(next * direction >= 0.2 * last && next * direction <= 10 * last,
                        "\(tableau.name) from \(t0) to \(t1): next \(next), last step \(last)")
            }
        }
        let fixed = try FixedStepSolver(.rungeKutta4, stepCount: 10).solve(field, initialState: x0, from: 0, to: 1)
        #expect(fixed.nextStepSize == nil)
    }

    @Test("the adjoint on own dopri5 and tsit5 starts its backward solve with the forward proposal and saves the starting-step probe")
    func adjointStartsFromTheForwardProposal() throws {
        let field = GradientTestProblem.field
        let x0 = GradientTestProblem.x0
        let options = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        for tableau in [ButcherTableau.dormandPrince54, .tsitouras54] {
            let forward = try EmbeddedRungeKuttaSolver(tableau, options: options)
            let proposal = try #require(try forward.solve(field, initialState: x0, from: 0, to: 1).nextStepSize)
            let withProposal = try ContinuousAdjoint(forward: forward, options: options) { backwardOptions in
                #expect(backwardOptions.initialStepSize == abs(proposal))
                return try EmbeddedRungeKuttaSolver(tableau, options: backwardOptions)
            }
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: GradientTestProblem.loss)
            // The same backward solve with the automatic first step (Hairer's probe: one more evaluation).
            let automatic = try ContinuousAdjoint(forward: forward, options: options) { backwardOptions in
                try EmbeddedRungeKuttaSolver(tableau, options: SolverOptions(
                    tolerance: backwardOptions.tolerance, initialStepSize: nil,
                    minimumStepSize: backwardOptions.minimumStepSize, maximumStepSize: backwardOptions.maximumStepSize,
                    maximumSteps: backwardOptions.maximumSteps, maximumEvaluations: backwardOptions.maximumEvaluations))
            }
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: GradientTestProblem.loss)
            #expect(withProposal.backward.functionEvaluations < automatic.backward.functionEvaluations,
                    "\(tableau.name): \(withProposal.backward.functionEvaluations) vs \(automatic.backward.functionEvaluations)")
            let difference = try GradientTestProblem.flatten(withProposal)
                .relativeDifference(to: GradientTestProblem.flatten(automatic))
            #expect(difference < 1e-4, "\(tableau.name): the two gradients differ by \(difference)")
        }
    }
}
