// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif
import ContinuousDepth
import Testing
import RungeKuttaMethods
import TensorCore
import TestSupport

/// Every embedded pair on the generic driver: accuracy, cost, dense output, budget.
@Suite("Embedded Runge–Kutta driver: every method")
struct EmbeddedRungeKuttaMethodsTests {
    static let methods = EmbeddedPairOrderTests.methods

    /// A tolerance each method reaches in a few hundred steps on [0, 5].
    static func relativeTolerance(_ tableau: ButcherTableau) -> Double {
        switch tableau.order {
        case ...2: return 1e-5
        case 3: return 1e-7
        default: return 1e-9
        }
    }

    static func solver(_ tableau: ButcherTableau, maximumEvaluations: Int? = nil) throws -> EmbeddedRungeKuttaSolver {
        let rtol = relativeTolerance(tableau)
        return try EmbeddedRungeKuttaSolver(tableau, relativeTolerance: rtol, absoluteTolerance: rtol / 100,
                                            maximumEvaluations: maximumEvaluations)
    }

    static let (decay, frequency, t1) = (0.2, 3.0, 5.0)
    static func field() throws -> ClosureVectorField { try OwnSolverProblems.rotationDecay(decay: decay, frequency: frequency) }
    static func exact(_ x0: Tensor, at t: Double) throws -> Tensor {
        try OwnSolverProblems.rotationDecayExact(x0, at: t, decay: decay, frequency: frequency)
    }

    @Test("The global error at t1 stays within 100·rtol of the exact flow, forwards and backwards", arguments: methods)
    func accuracy(tableau: ButcherTableau) throws {
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let solver = try Self.solver(tableau)
        let rtol = Self.relativeTolerance(tableau)
        let forward = try #require(try solver.solve(try Self.field(), initialState: x0, from: 0, to: Self.t1).finalState)
        let error = try OwnSolverProblems.maximumError(forward, try Self.exact(x0, at: Self.t1))
        #expect(error <= 100 * rtol, "\(tableau.name): error \(error) at rtol \(rtol)")
        let back = try #require(try solver.solve(try Self.field(), initialState: forward, from: Self.t1, to: 0).finalState)
        #expect(try OwnSolverProblems.maximumError(back, x0) <= 100 * rtol, "\(tableau.name) backwards")
    }

    @Test("Evaluations: (s − 1) per attempt + f(t0) + probe, plus one per accepted step unless FSAL", arguments: methods)
    func evaluationCount(tableau: ButcherTableau) throws {
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let trajectory = try Self.solver(tableau).solve(try Self.field(), initialState: x0, from: 0, to: Self.t1)
        let s = trajectory.statistics
        let perAttempt = (tableau.stageCount - 1) * (s.acceptedSteps + s.rejectedSteps)
        // Not FSAL: f(tₙ₊₁, yₙ₊₁) after every accepted step but the last (nothing to interpolate there).
        let slopes = tableau.isFirstSameAsLast ? 0 : s.acceptedSteps - 1
        #expect(s.functionEvaluations == perAttempt + 2 + slopes, "\(tableau.name): \(s)")
        #expect(s.acceptedSteps >= 5)
    }

    @Test("1000 output times cost no extra step; values match the exact flow like the end point", arguments: methods)
    func outputTimesAreFree(tableau: ButcherTableau) throws {
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let solver = try Self.solver(tableau)
        let finalOnly = try solver.solve(try Self.field(), initialState: x0, from: 0, to: Self.t1)
        let times = (1...1000).map { Double($0) * Self.t1 / 1000 }
        let many = try solver.solve(try Self.field(), initialState: x0, from: 0, to: Self.t1, at: times)
        #expect(many.statistics.acceptedSteps == finalOnly.statistics.acceptedSteps)
        #expect(many.statistics.rejectedSteps == finalOnly.statistics.rejectedSteps)
        // A method that is not FSAL evaluates f at the last step's end to interpolate inside it.
        let extra = tableau.isFirstSameAsLast || tableau.continuousExtension?.usesEndDerivative == false ? 0 : 1
        #expect(many.statistics.functionEvaluations == finalOnly.statistics.functionEvaluations + extra)
        #expect(many.finalState == finalOnly.finalState)
        let denseOrder = try #require(tableau.continuousExtension).order
        // The interpolant keeps the method's accuracy when q ≥ p − 1; Hermite on DOPRI8 is O(h⁴) in a step.
        let bound = denseOrder >= tableau.order - 1 ? 100 * Self.relativeTolerance(tableau) : 1e-3
        var worst = 0.0
        for (t, state) in zip(many.times, many.states) {
            worst = max(worst, try OwnSolverProblems.maximumError(state, try Self.exact(x0, at: t)))
        }
        #expect(worst <= bound, "\(tableau.name): worst dense error \(worst)")
    }

    @Test("The kept dense output evaluates anywhere in [t0, t1] and equals the outputs at their times", arguments: methods)
    func keptDenseOutput(tableau: ButcherTableau) throws {
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let times = [0.3, 1.7, 2.2, 4.9]
        let trajectory = try Self.solver(tableau).solve(try Self.field(), initialState: x0, from: 0, to: Self.t1,
                                                        saving: .times(times), events: [], keepingDenseOutput: true)
        let interpolant = try #require(trajectory.interpolant)
        // The solve stops at the last output time, and so does its dense output.
        #expect(interpolant.startTime == 0 && interpolant.endTime == 4.9)
        #expect(interpolant.order == tableau.continuousExtension?.order)
        for (t, state) in zip(times, trajectory.states) {
            #expect(try interpolant.value(at: t).isApproximatelyEqual(to: state, relativeTolerance: 1e-13))
        }
        #expect(try interpolant.value(at: 0) == x0)
        #expect(throws: ContinuousDepthError.self) { _ = try interpolant.value(at: 4.95) }
        #expect(throws: ContinuousDepthError.self) { _ = try interpolant.value(at: .nan) }
        // Without the request, no interpolant is kept.
        #expect(try Self.solver(tableau).solve(try Self.field(), initialState: x0, from: 0, to: Self.t1).interpolant == nil)
    }

    @Test("The dense output has its declared order q: one step's interpolation error is O(h^(q+1))", arguments: methods)
    func denseOutputOrder(tableau: ButcherTableau) throws {
        // y' = y², y(0) = 0.5: y(t) = 0.5/(1 − 0.5t); error at θ = 0.37 inside one step of size h.
        let f = { (y: Variable, _: Double) throws -> Variable in try y * y }
        let continuousExtension = try #require(tableau.continuousExtension)
        let theta = 0.37
        var stepSizes: [Double] = []
        var errors: [Double] = []
        for h in [0.2, 0.1, 0.05, 0.025] {
            let y0 = Variable(try Tensor([[0.5]]))
            let step = try RungeKuttaStep(tableau, field: f, at: 0, from: y0, by: h)
            var stages = step.stages
            if continuousExtension.usesEndDerivative { stages.append(try f(step.y, h)) }
            let value = try RungeKuttaStep.combining(y0, stages: stages, weights: continuousExtension.weights(at: theta),
                                                     stepSize: h)
            stepSizes.append(h)
            errors.append(abs(value.value[0, 0] - 0.5 / (1 - 0.5 * theta * h)))
        }
        let order = try observedOrder(stepSizes: stepSizes, errors: errors)
        #expect(abs(order - Double(continuousExtension.order + 1)) <= 0.3,
                "\(tableau.name): interpolation error slope \(order) for q = \(continuousExtension.order), errors \(errors)")
    }

    @Test("The continuous extension is consistent: Σ bᵢ(θ) = θ and bᵢ(1) = bᵢ", arguments: methods)
    func continuousExtensionConsistency(tableau: ButcherTableau) throws {
        let continuousExtension = try #require(tableau.continuousExtension)
        for theta in [0.0, 0.25, 0.6, 1.0] {
            let weights = continuousExtension.weights(at: theta)
            #expect(abs(weights.reduce(0, +) - theta) <= 1e-13, "\(tableau.name) at θ = \(theta)")
        }
        let atOne = continuousExtension.weights(at: 1)
        for i in 0..<tableau.stageCount { #expect(abs(atOne[i] - tableau.b[i]) <= 1e-13, "\(tableau.name) b\(i + 1)(1)") }
        if continuousExtension.usesEndDerivative { #expect(abs(atOne[tableau.stageCount]) <= 1e-15) }
    }

    @Test("An evaluation budget stops the solve before it is exceeded, with the statistics and time reached",
          arguments: methods)
    func evaluationBudget(tableau: ButcherTableau) throws {
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let budget = 40
        let error = #expect(throws: ContinuousDepthError.self) {
            _ = try Self.solver(tableau, maximumEvaluations: budget).solve(try Self.field(), initialState: x0,
                                                                            from: 0, to: Self.t1)
        }
        guard case let .evaluationBudgetExhausted(maximum, time, statistics)? = error else {
            Issue.record("\(tableau.name): expected evaluationBudgetExhausted, got \(String(describing: error))")
            return
        }
        #expect(maximum == budget)
        #expect(statistics.functionEvaluations <= budget)
        #expect(statistics.functionEvaluations + tableau.stageCount > budget, "stopped too early: \(statistics)")
        #expect(time > 0 && time < Self.t1)
    }

    @Test("Backprop through every method matches central differences of the solve", arguments: methods)
    func backpropGradient(tableau: ButcherTableau) throws {
        let field = try Fixtures.neuralField(dimension: 2, hidden: 5, seed: 21)
        let x0 = try Fixtures.batch(2, 2, seed: 22)
        // Loose tolerances with h0 = hmax = 0.05: every step is 0.05 for θ and θ ± ε, so the
        // solve is a smooth function of θ and differences are exact to O(ε²).
        let solver = try EmbeddedRungeKuttaSolver(tableau, relativeTolerance: 1e-3, absoluteTolerance: 1e-3,
                                                  initialStepSize: 0.05, maximumStepSize: 0.05)
        let gradient = try BackpropThroughSolver(solver).gradient(of: field, initialState: x0, from: 0, to: 0.5) {
            try ($0 * $0).sum()
        }
        #expect(gradient.forward.acceptedSteps == 10 && gradient.forward.rejectedSteps == 0, "\(gradient.forward)")
        let epsilon = 1e-6
        for k in [0, 3] {
            func shifted(by delta: Double) throws -> NeuralVectorField {
                var values = field.parameters.values
                var scalars = values[k].scalars
                scalars[0] += delta
                values[k] = try Tensor(shape: values[k].shape, scalars: scalars)
                return try NeuralVectorField(field: field.field, weights: values)
            }
            let (plus, minus) = (try shifted(by: epsilon), try shifted(by: -epsilon))
            func loss(_ f: NeuralVectorField) throws -> Double {
                let y = try #require(try solver.solve(f, initialState: x0, from: 0, to: 0.5).finalState)
                return y.scalars.reduce(0) { $0 + $1 * $1 }
            }
            let difference = (try loss(plus) - loss(minus)) / (2 * epsilon)
            #expect(abs(gradient.parameters[k].scalars[0] - difference) <= 1e-6 * max(1, abs(difference)),
                    "\(tableau.name): parameter \(k): \(gradient.parameters[k].scalars[0]) vs \(difference)")
        }
    }

    @Test("A tableau without embedded weights is refused by name")
    func refusesPlainTableau() {
        #expect(throws: ContinuousDepthError.invalidOption(name: "tableau",
                                                           reason: "rk4 has no embedded weights b̂ for an error estimate")) {
            _ = try EmbeddedRungeKuttaSolver(.rungeKutta4, relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        }
    }
}
