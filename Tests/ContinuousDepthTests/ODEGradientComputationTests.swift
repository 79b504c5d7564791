// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import GSLBridge
import Testing
import TensorCore

/// The gradient methods behind one protocol: a caller holding `[any ODEGradientComputation]`
/// gets the same gradient from each, within the solvers' tolerance.
@Test("Every ODEGradientComputation gives the reference gradient within 100·rtol (rtol 1e-7)")
func gradientComputationsAgree() throws {
    let (field, x0, loss) = (GradientTestProblem.field, GradientTestProblem.x0, GradientTestProblem.loss)
    let rtol = 1e-7
    let options = try SolverOptions(relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
    let tsit5 = try EmbeddedRungeKuttaSolver(.tsitouras54, options: options)
    let backward: @Sendable (SolverOptions) throws -> any ODESolver = { try EmbeddedRungeKuttaSolver(.tsitouras54, options: $0) }
    let gsl = GSLNeuralODESolver(stepType: .msbdf, relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2,
                                 initialStepSize: 1e-3)
    let methods: [(String, any ODEGradientComputation)] = [
        ("backprop tsit5", BackpropThroughSolver(tsit5)),
        ("backprop rodas4", BackpropThroughSolver(Rodas4Solver(options: options))),
        ("backprop GSL msbdf", BackpropThroughSolver(GSLReplaySolver(gsl))),
        ("adjoint tsit5", ContinuousAdjoint(forward: tsit5, options: options, backward: backward)),
        ("checkpointed tsit5", CheckpointedAdjoint(forward: tsit5, options: options, backward: backward)),
        ("stiff adjoint", try StiffAdjoint(options: options)),
        ("checkpointed stiff adjoint", try CheckpointedStiffAdjoint(options: options, checkpointCount: 4)),
    ]
    let reference = try GradientTestProblem.flatten(
        BackpropThroughSolver(EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-12, absoluteTolerance: 1e-14))
            .gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss))
    for (name, method) in methods {
        let g = try method.gradient(of: field, initialState: x0, from: 0, observationTimes: [1], loss: loss)
        let error = try GradientTestProblem.flatten(g).relativeDifference(to: reference)
        #expect(error <= 100 * rtol, "\(name): \(error)")
    }
}
