// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Testing
import NetworkLayers
import RungeKuttaMethods
import TensorCore
import TestSupport

@Suite("Backprop through the own solvers")
struct BackpropThroughSolverTests {
    /// A small neural ODE: d = 2, hidden 8, tanh, batch 3.
    static func problem() throws -> (field: NeuralVectorField, x0: Tensor) {
        let field = try NeuralVectorField(field: try MLPField(dimension: 2, hidden: 8, usesTime: true), seed: 11)
        var generator = SeededGenerator(seed: 3)
        return (field, try Tensor.randomNormal([3, 2], using: &generator))
    }

    /// `½ Σ x²`, as variables and on plain tensors.
    static func halfSquaredNorm(_ x: Variable) throws -> Variable { try (x * x).sum().scaled(by: 0.5) }
    static func halfSquaredNorm(_ x: Tensor) throws -> Double { 0.5 * (try x.dot(x)) }

    /// Weights `w_j` of the observation losses `Σ_j w_j ½‖x(τ_j)‖²`.
    static let observationWeights = [1.0, -0.5, 2.0]

    /// The loss of a forward solve with initial state and weights replaced by `inputs = [x0, W1, b1, W2, b2]`.
    static func loss(_ solver: some DifferentiableODESolver, field: NeuralVectorField, inputs: [Tensor],
                     times: [Double]) throws -> Double {
        let perturbed = try NeuralVectorField(field: field.field, weights: Array(inputs.dropFirst()))
        let trajectory = try solver.solve(perturbed, initialState: inputs[0], from: 0, to: times[times.count - 1], at: times)
        var total = 0.0
        for (w, state) in zip(observationWeights, trajectory.states) { total += w * (try halfSquaredNorm(state)) }
        return total
    }

    static func gradient(_ solver: some DifferentiableODESolver, field: NeuralVectorField, x0: Tensor,
                         times: [Double]) throws -> ODEGradient {
        try BackpropThroughSolver(solver).gradient(of: field, initialState: x0, from: 0, observationTimes: times) { states in
            var total = Variable(Tensor(0))
            for (w, state) in zip(observationWeights, states) { total = try total + (try halfSquaredNorm(state)).scaled(by: w) }
            return total
        }
    }

    static func relativeError(_ a: Tensor, _ b: Tensor) throws -> Double {
        try (a - b).l2Norm() / max(b.l2Norm(), 1e-300)
    }

    @Test("Fixed-step gradients (Euler, RK4) match central differences of the same discrete solver to 1e-6",
          arguments: [ButcherTableau.euler, .rungeKutta4])
    func fixedStepMatchesFiniteDifferences(tableau: ButcherTableau) throws {
        let (field, x0) = try Self.problem()
        let solver = try FixedStepSolver(tableau, stepCount: 8)
        let times = [0.25, 0.5, 1.0]
        let result = try Self.gradient(solver, field: field, x0: x0, times: times)
        let inputs = [x0] + field.parameters.values
        #expect(abs(result.loss - (try Self.loss(solver, field: field, inputs: inputs, times: times))) <= 1e-14)
        let reference = try FiniteDifferences.gradients(at: inputs) { try Self.loss(solver, field: field, inputs: $0, times: times) }
        let computed = [result.initialState] + result.parameters
        #expect(computed.count == 1 + field.parameters.count)
        for (k, (g, r)) in zip(computed, reference).enumerated() {
            let error = try Self.relativeError(g, r)
            #expect(error < 1e-6, "\(tableau.name), input \(k): relative error \(error)")
        }
        #expect(result.forward.functionEvaluations == 8 * tableau.stageCount)
        #expect(result.backward.acceptedSteps == 8)
    }

    @Test("DOPRI5 gradients at rtol 1e-10 (dense outputs included) match differences of the exact flow to 1e-6")
    func adaptiveMatchesExactFlow() throws {
        let (field, x0) = try Self.problem()
        let adaptive = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
        let times = [0.3, 0.7, 1.0]
        let result = try Self.gradient(adaptive, field: field, x0: x0, times: times)
        // The exact flow: RK4 with h = 0.005 (global error ~1e-10 here), differenced along one
        // random direction per input tensor.
        let exactFlow = try FixedStepSolver(.rungeKutta4, stepCount: 200)
        let inputs = [x0] + field.parameters.values
        let computed = [result.initialState] + result.parameters
        var generator = SeededGenerator(seed: 17)
        let epsilon = 1e-6
        for k in inputs.indices {
            let direction = try Tensor.randomNormal(inputs[k].shape, using: &generator)
            var up = inputs, down = inputs
            up[k] = try inputs[k].adding(direction, scaledBy: epsilon)
            down[k] = try inputs[k].adding(direction, scaledBy: -epsilon)
            let difference = (try Self.loss(exactFlow, field: field, inputs: up, times: times)
                - (try Self.loss(exactFlow, field: field, inputs: down, times: times))) / (2 * epsilon)
            let directional = try computed[k].dot(direction)
            let scale = computed[k].l2Norm() * direction.l2Norm()
            #expect(abs(directional - difference) <= 1e-6 * scale, "input \(k): \(directional) vs \(difference)")
        }
        #expect(result.backward.acceptedSteps == result.forward.acceptedSteps)
        #expect(result.backward.functionEvaluations == 6 * result.forward.acceptedSteps + 1)
    }

    @Test("The loss of the final state alone equals the observation form with [t1]")
    func finalStateForm() throws {
        let (field, x0) = try Self.problem()
        let strategy = BackpropThroughSolver(try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-6, absoluteTolerance: 1e-8))
        let final = try strategy.gradient(of: field, initialState: x0, from: 0, to: 1) { try Self.halfSquaredNorm($0) }
        let listed = try strategy.gradient(of: field, initialState: x0, from: 0, observationTimes: [1]) {
            try Self.halfSquaredNorm($0[0])
        }
        #expect(final.loss == listed.loss)
        #expect(final.initialState == listed.initialState)
        #expect(final.parameters == listed.parameters)
    }

    @Test("A non-scalar loss is a typed error")
    func nonScalarLoss() throws {
        let (field, x0) = try Self.problem()
        let strategy = BackpropThroughSolver(try FixedStepSolver(.euler, stepCount: 2))
        #expect(throws: AutodiffError.nonScalarOutput(shape: [3, 2])) {
            _ = try strategy.gradient(of: field, initialState: x0, from: 0, to: 1) { $0 }
        }
    }

    @Test("Tracked and untracked solves give bit-identical states")
    func trackedEqualsUntracked() throws {
        let (field, x0) = try Self.problem()
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        let plain = try solver.solve(field, initialState: x0, from: 0, to: 1, at: [0.4, 1])
        let tape = Tape()
        let tracked = try solver.solve(field, initialState: try tape.variable(x0),
                                       parameters: try field.parameters.values.map { try tape.variable($0) },
                                       from: 0, to: 1, saving: .times([0.4, 1]))
        #expect(tracked.states.allSatisfy { $0.isTracked })
        #expect(tracked.states.map(\.value) == plain.states)
        #expect(tracked.statistics == plain.statistics)
    }
}
