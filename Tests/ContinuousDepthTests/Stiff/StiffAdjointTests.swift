// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Testing
import TensorCore
import TestSupport

@Suite("Continuous adjoint with Kvaerno5 both ways")
struct StiffAdjointTests {
    @Test("Gradients with respect to x₀ and every weight match central differences (1e-5 relative) and backprop through Kvaerno5")
    func matchesFiniteDifferencesAndBackprop() throws {
        let options = try SolverOptions(relativeTolerance: 1e-10, absoluteTolerance: 1e-10)
        let field = try StiffBackpropTests.field()
        let x0 = try StiffProblems.states(count: 3, dimension: 2, seed: 8)
        let lossOfStates = { (states: [Variable]) throws -> Variable in
            var total = Variable(Tensor(0))
            for (w, state) in zip(StiffBackpropTests.weights, states) {
                total = try total + (try (state * state).sum()).scaled(by: 0.5 * w)
            }
            return total
        }
        let adjoint = try StiffAdjoint(options: options).gradient(
            of: field, initialState: x0, from: 0, observationTimes: StiffBackpropTests.times, loss: lossOfStates)
        let solver = try Kvaerno5Solver(options: options)
        let backprop = try BackpropThroughSolver(solver).gradient(
            of: field, initialState: x0, from: 0, observationTimes: StiffBackpropTests.times, loss: lossOfStates)
        let inputs = [x0] + field.parameters.values
        let reference = try FiniteDifferences.gradients(at: inputs) { try StiffBackpropTests.loss(inputs: $0, solver: solver) }
        #expect(abs(adjoint.loss - backprop.loss) <= 1e-12)
        for (k, (g, r)) in zip([adjoint.initialState] + adjoint.parameters, reference).enumerated() {
            let error = try (g - r).l2Norm() / max(r.l2Norm(), 1e-300)
            #expect(error < 1e-5, "input \(k): relative error to finite differences \(error)")
        }
        for (k, (g, r)) in zip([adjoint.initialState] + adjoint.parameters, [backprop.initialState] + backprop.parameters).enumerated() {
            let error = try (g - r).l2Norm() / max(r.l2Norm(), 1e-300)
            #expect(error < 1e-5, "input \(k): relative difference to backprop \(error)")
        }
        #expect(adjoint.backward.jacobianEvaluations >= 1 && adjoint.backward.acceptedSteps >= 1)
    }
}
