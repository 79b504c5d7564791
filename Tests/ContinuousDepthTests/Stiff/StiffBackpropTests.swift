// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Testing
import NetworkLayers
import TensorCore
import TestSupport

@Suite("Backprop through Kvaerno5 by the implicit-function rule")
struct StiffBackpropTests {
    /// `f(x; θ) = x·Aᵀ + MLP(x, t; θ)` with `A` of eigenvalues −1 and −200 (stiff), `d = 2`, hidden 6.
    static func field(weights: [Tensor]? = nil) throws -> ClosureVectorField {
        let linear = try StiffReferenceProblems.Linear(eigenvalues: [-1, -200])
        let mlp = try MLPField(dimension: 2, hidden: 6, usesTime: true)
        let initial = try NeuralVectorField(field: mlp, seed: 21)
        let parameters = try ParameterList(names: initial.parameters.names, values: weights ?? initial.parameters.values)
        return ClosureVectorField(dimension: 2, parameters: parameters) { x, t, theta in
            try linear.field(x) + mlp(x, time: t, parameters: theta[...])
        }
    }

    static let times = [0.5, 1.0]
    static let weights = [1.0, -2.0]

    static func loss(inputs: [Tensor], solver: Kvaerno5Solver) throws -> Double {
        let field = try Self.field(weights: Array(inputs.dropFirst()))
        let trajectory = try solver.solve(field, initialState: inputs[0], from: 0, to: 1, at: times)
        return try zip(weights, trajectory.states).reduce(0) { $0 + $1.0 * 0.5 * (try $1.1.dot($1.1)) }
    }

    @Test("Gradients with respect to x₀ and every weight match central differences of the solve to 1e-5 relative")
    func matchesFiniteDifferences() throws {
        let solver = try Kvaerno5Solver(relativeTolerance: 1e-10, absoluteTolerance: 1e-10)
        let field = try Self.field()
        let x0 = try StiffProblems.states(count: 3, dimension: 2, seed: 8)
        let result = try BackpropThroughSolver(solver).gradient(of: field, initialState: x0, from: 0,
                                                                observationTimes: Self.times) { states in
            var total = Variable(Tensor(0))
            for (w, state) in zip(Self.weights, states) { total = try total + (try (state * state).sum()).scaled(by: 0.5 * w) }
            return total
        }
        let inputs = [x0] + field.parameters.values
        #expect(abs(result.loss - (try Self.loss(inputs: inputs, solver: solver))) <= 1e-12)
        let reference = try FiniteDifferences.gradients(at: inputs) { try Self.loss(inputs: $0, solver: solver) }
        for (k, (g, r)) in zip([result.initialState] + result.parameters, reference).enumerated() {
            let error = try (g - r).l2Norm() / max(r.l2Norm(), 1e-300)
            #expect(error < 1e-5, "input \(k): relative error \(error)")
        }
    }
}
