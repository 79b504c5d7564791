// SPDX-License-Identifier: GPL-3.0-or-later
@testable import ContinuousDepth
import NetworkLayers
import TensorCore
import Testing

/// The same field hidden behind a closure, which cannot be traced: GSL calls it directly.
private func untraced(_ field: NeuralVectorField) -> ClosureVectorField {
    ClosureVectorField(dimension: field.dimension, parameters: field.parameters) { x, t, theta in
        try field(x, time: t, parameters: theta)
    }
}

@Suite("GSL solves replay a traceable field's trace")
struct ReplayedFieldTests {
    @Test("neural fields (with and without time) are replayed; closure fields are called")
    func whichFieldsReplay() throws {
        for usesTime in [false, true] {
            let field = try Fixtures.neuralField(dimension: 3, hidden: 5, usesTime: usesTime, seed: 81)
            #expect(try BatchODESystem(field: field, batchSize: 4).replaysTrace)
            #expect(try !BatchODESystem(field: untraced(field), batchSize: 4).replaysTrace)
        }
    }

    @Test("the replayed right-hand side is the field itself at times and states it was not traced at (≤ 1e-14 relative)")
    func replayedRightHandSideIsTheField() throws {
        let field = try Fixtures.neuralField(dimension: 3, hidden: 6, usesTime: true, seed: 82)
        let system = try BatchODESystem(field: field, batchSize: 5)
        #expect(system.replaysTrace)
        for (t, seed) in [(-2.5, UInt64(83)), (0.0, 84), (11.0, 85)] {
            let x = try Fixtures.batch(5, 3, seed: seed)
            let replayed = try Tensor(shape: [5, 3], scalars: system.rightHandSide(at: t, state: x.scalars))
            #expect(try replayed.relativeDifference(to: field.evaluate(x, time: t)) <= 1e-14, "t = \(t)")
        }
    }

    @Test("a solve that replays takes the same steps and reaches the same states as one that calls the field")
    func replayedSolveMatchesDirectSolve() throws {
        let field = try Fixtures.neuralField(dimension: 2, hidden: 8, usesTime: true, seed: 86)
        let x0 = try Fixtures.batch(6, 2, seed: 87)
        let solver = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-8, absoluteTolerance: 1e-10)
        let times = [0.5, 1.0, 2.0]
        let replayed = try solver.solve(field, initialState: x0, from: 0, to: 2, at: times)
        let direct = try solver.solve(untraced(field), initialState: x0, from: 0, to: 2, at: times)
        #expect(replayed.statistics.functionEvaluations == direct.statistics.functionEvaluations)
        #expect(replayed.statistics.functionEvaluations > 20)
        #expect(replayed.states.count == times.count && direct.states.count == times.count)
        for (a, b) in zip(replayed.states, direct.states) {
            #expect(try a.relativeDifference(to: b) <= 1e-12)
        }
    }

    @Test("a replayed field that returns ∞ still fails the solve with nonFinite at the time it happened")
    func nonFiniteDerivativeIsReported() throws {
        let mlp = try MLPField(dimension: 2, hidden: 4)
        var weights = try Fixtures.neuralField(dimension: 2, hidden: 4, seed: 88).parameters.values
        weights[2][1, 3] = .infinity
        let field = try NeuralVectorField(field: mlp, weights: weights)
        #expect(try BatchODESystem(field: field, batchSize: 3).replaysTrace)
        let solver = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        #expect {
            _ = try solver.solve(field, initialState: try Fixtures.batch(3, 2, seed: 89), from: 0.25, to: 1)
        } throws: { error in
            guard case ContinuousDepthError.nonFinite(let time, _) = error else { return false }
            return time == 0.25
        }
    }
}

@Suite("Own solvers' forward path replays a traceable field's trace")
struct ReplayedOwnSolverTests {
    @Test("Dormand–Prince and RK4 forward solves that replay match solves that call the field: same steps, states ≤ 1e-12")
    func forwardSolvesMatch() throws {
        let field = try Fixtures.neuralField(dimension: 3, hidden: 7, usesTime: true, seed: 91)
        let x0 = try Fixtures.batch(4, 3, seed: 92)
        let solvers: [any DifferentiableODESolver] = [
            try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-7, absoluteTolerance: 1e-9),
            try FixedStepSolver(.rungeKutta4, stepCount: 12),
        ]
        for solver in solvers {
            let replayed = try solver.solve(field, initialState: x0, from: 0, to: 1.5, at: [0.5, 1.5])
            let direct = try solver.solve(untraced(field), initialState: x0, from: 0, to: 1.5, at: [0.5, 1.5])
            #expect(replayed.statistics.functionEvaluations == direct.statistics.functionEvaluations)
            #expect(replayed.states.count == 2 && direct.states.count == 2)
            for (a, b) in zip(replayed.states, direct.states) { #expect(try a.relativeDifference(to: b) <= 1e-12) }
        }
    }

    @Test("the replayed field is the field on untracked states, and refuses tracked ones with invalidArgument")
    func replayedFieldEvaluatesAndRefusesTrackedStates() throws {
        let field = try Fixtures.neuralField(dimension: 3, hidden: 5, usesTime: true, seed: 95)
        let replayed = try ReplayedField(field, batchSize: 4)
        let theta = field.parameters.values.map { Variable($0) }
        let x = try Fixtures.batch(4, 3, seed: 96)
        let value = try replayed(Variable(x), time: 0.9, parameters: theta).value
        #expect(try value.relativeDifference(to: field.evaluate(x, time: 0.9)) <= 1e-14)
        let tape = Tape()
        #expect(throws: ContinuousDepthError.self) {
            _ = try replayed(try tape.variable(x), time: 0.9, parameters: theta)
        }
    }

    @Test("a forward solve from a wrongly shaped state still throws invalidArgument naming the shape")
    func wrongShapeStillThrows() throws {
        let field = try Fixtures.neuralField(dimension: 3, hidden: 4, seed: 93)
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        #expect {
            _ = try solver.solve(field, initialState: try Fixtures.batch(2, 4, seed: 94), from: 0, to: 1)
        } throws: { error in
            guard case ContinuousDepthError.invalidArgument(let message) = error else { return false }
            return message.contains("[2, 4]")
        }
    }
}
