// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import NetworkLayers
import Testing
import TensorCore
import TestSupport

/// Backprop through RODAS4: each accepted step recorded with its stages as linearized
/// solves (`(I − hγJ)⁻¹ r`, `J` differentiated by Hessian–vector products).
@Suite("Backprop through Rodas4")
struct Rodas4BackpropTests {
    /// Accepts every step and keeps `h`: with `initialStepSize` a fixed grid that does not
    /// depend on `x₀` or `θ`, so central differences of the solve see the recorded steps only.
    struct ConstantStepController: StepSizeController {
        func decide(errorNorm err: Double, errorOrder k: Int, history: inout StepSizeHistory) -> StepSizeDecision {
            StepSizeDecision(isAccepted: true, factor: 1)
        }
    }

    /// `f(x; θ) = x·Aᵀ + MLP(x, t; θ)` with `A` of eigenvalues −1 and −1000 (stiff), `d = 2`, hidden 6 by default;
    /// a closure field, so `∂f/∂t` is the central difference in `t`.
    static func field(weights: [Tensor]? = nil, hidden: Int = 6) throws -> ClosureVectorField {
        let linear = try StiffReferenceProblems.Linear(eigenvalues: [-1, -1000])
        let mlp = try MLPField(dimension: 2, hidden: hidden, usesTime: true)
        let initial = try NeuralVectorField(field: mlp, seed: 21)
        let parameters = try ParameterList(names: initial.parameters.names, values: weights ?? initial.parameters.values)
        return ClosureVectorField(dimension: 2, parameters: parameters) { x, t, theta in
            try linear.field(x) + mlp(x, time: t, parameters: theta[...])
        }
    }

    /// The MLP field alone (`TimeDifferentiableField` and `TraceableField`: `∂f/∂t` exact, its pullback exact).
    static func neuralField(weights: [Tensor]? = nil, usesTime: Bool = true) throws -> NeuralVectorField {
        let mlp = try MLPField(dimension: 2, hidden: 6, usesTime: usesTime)
        guard let weights else { return try NeuralVectorField(field: mlp, seed: 21) }
        return try NeuralVectorField(field: mlp, weights: weights)
    }

    static let times = [0.5, 1.0]
    static let weights = [1.0, -2.0]
    static let x0 = try! StiffProblems.states(count: 3, dimension: 2, seed: 8)

    static func loss(_ states: [Variable]) throws -> Variable {
        var total = Variable(Tensor(0))
        for (w, state) in zip(weights, states) { total = try total + (try (state * state).sum()).scaled(by: 0.5 * w) }
        return total
    }

    /// The loss of an untracked forward solve (the function the finite differences see).
    static func forwardLoss<Field: VectorField>(_ inputs: [Tensor], solver: Rodas4Solver,
                                                 field: ([Tensor]) throws -> Field) throws -> Double {
        let trajectory = try solver.solve(try field(Array(inputs.dropFirst())), initialState: inputs[0], from: 0, to: 1,
                                          at: times)
        return try loss(trajectory.states.map { Variable($0) }).value.scalar!
    }

    static func flatten(_ g: ODEGradient) throws -> Tensor {
        try Tensor.concatenate(([g.initialState] + g.parameters).map { try $0.reshaped(to: [-1]) })
    }

    /// Backprop's gradient of every input against central differences of the forward solve.
    static func checkAgainstFiniteDifferences<Field: VectorField>(solver: Rodas4Solver, bound: Double, step: Double,
                                                                   field: @escaping ([Tensor]?) throws -> Field) throws {
        let f = try field(nil)
        let result = try BackpropThroughSolver(solver).gradient(of: f, initialState: x0, from: 0, observationTimes: times,
                                                                loss: loss)
        let inputs = [x0] + f.parameters.values
        #expect(abs(result.loss - (try forwardLoss(inputs, solver: solver) { try field($0) })) <= 1e-13)
        let reference = try FiniteDifferences.gradients(at: inputs, step: step) { try forwardLoss($0, solver: solver) { try field($0) } }
        for (k, (g, r)) in zip([result.initialState] + result.parameters, reference).enumerated() {
            #expect(r.l2Norm() > 1e-3, "input \(k) has a gradient to check")
            let difference = try g.relativeDifference(to: r)
            #expect(difference < bound, "input \(k): relative difference \(difference); \(g) vs \(r)")
        }
    }

    @Test("Fixed steps h = 1/40 on the stiff batch (eigenvalues −1, −1000): x₀ and θ gradients equal central differences to 1e-6")
    func fixedStepsMatchFiniteDifferences() throws {
        let options = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 1e-6, initialStepSize: 1.0 / 40)
        let solver = Rodas4Solver(options: options, controller: ConstantStepController())
        try Self.checkAgainstFiniteDifferences(solver: solver, bound: 1e-6, step: 1e-4) { try Self.field(weights: $0) }
    }

    @Test("Fixed steps, a TimeDifferentiableField (∂f/∂t exact, pulled back by a Hessian–vector product, or ≡ 0): gradients to 1e-7",
          arguments: [true, false])
    func exactTimeDerivativeMatchesFiniteDifferences(usesTime: Bool) throws {
        let options = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 1e-6, initialStepSize: 1.0 / 20)
        let solver = Rodas4Solver(options: options, controller: ConstantStepController())
        try Self.checkAgainstFiniteDifferences(solver: solver, bound: 1e-7, step: 1e-4) {
            try Self.neuralField(weights: $0, usesTime: usesTime)
        }
    }

    @Test("Adaptive steps at rtol = atol = 1e-7 (hidden 3): gradients match central differences of the solve to 1e-6")
    func adaptiveMatchesFiniteDifferences() throws {
        let solver = try Rodas4Solver(relativeTolerance: 1e-7, absoluteTolerance: 1e-7)
        try Self.checkAgainstFiniteDifferences(solver: solver, bound: 1e-6, step: 1e-6) {
            try Self.field(weights: $0, hidden: 3)
        }
    }

    @Test("The recorded states equal the untracked solve's to round-off (1e-14), at every output time")
    func recordedStateEqualsForward() throws {
        let field = try Self.field()
        let solver = try Rodas4Solver(relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        let forward = try solver.solve(field, initialState: Self.x0, from: 0, to: 1, at: Self.times)
        let tape = Tape()
        let recorded = try solver.solve(field, initialState: try tape.variable(Self.x0),
                                        parameters: try field.parameters.values.map { try tape.variable($0) },
                                        from: 0, to: 1, saving: .times(Self.times))
        #expect(recorded.states.allSatisfy { $0.isTracked })
        #expect(recorded.statistics == forward.statistics)
        for (a, b) in zip(recorded.states, forward.states) {
            #expect(StiffProblems.maximumDifference(a.value, b) <= 1e-14)
        }
        #expect(recorded.acceptedEvaluations == forward.statistics.acceptedSteps * 8, "six stages and ∂f/∂t's two")
    }

    /// The stiff adjoint's own error dominates the difference: measured against backprop at
    /// rtol 1e-9, backprop's error is below 0.1·rtol and the adjoint's 20–200·rtol on this batch.
    @Test("Backprop's error is at most rtol; it and the stiff adjoint (Kvaerno5 both ways) differ by at most 300·rtol, less at 1e-7 than at 1e-5")
    func agreesWithStiffAdjoint() throws {
        let field = try Self.field()
        func backprop(_ options: SolverOptions) throws -> Tensor {
            try Self.flatten(try BackpropThroughSolver(Rodas4Solver(options: options)).gradient(
                of: field, initialState: Self.x0, from: 0, observationTimes: Self.times, loss: Self.loss))
        }
        let reference = try backprop(try SolverOptions(relativeTolerance: 1e-9, absoluteTolerance: 1e-11))
        var differences: [Double] = []
        for rtol in [1e-5, 1e-6, 1e-7] {
            let options = try SolverOptions(relativeTolerance: rtol, absoluteTolerance: 1e-2 * rtol)
            let gradient = try backprop(options)
            let adjoint = try Self.flatten(try StiffAdjoint(options: options).gradient(
                of: field, initialState: Self.x0, from: 0, observationTimes: Self.times, loss: Self.loss))
            let error = try gradient.relativeDifference(to: reference)
            let difference = try gradient.relativeDifference(to: adjoint)
            #expect(error <= rtol, "rtol \(rtol): backprop's relative error \(error)")
            #expect(difference <= 300 * rtol, "rtol \(rtol): relative difference to the adjoint \(difference)")
            differences.append(difference)
        }
        #expect(differences[2] < differences[0], "\(differences)")
    }
}
