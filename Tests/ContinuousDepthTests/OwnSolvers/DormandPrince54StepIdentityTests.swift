// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Testing
import TensorCore

/// The generic driver with `.dormandPrince54` takes exactly the steps of the
/// former hand-written Dormand–Prince loop, recorded in `DormandPrince54StepFixture`.
@Suite("Dormand–Prince 5(4) on the generic driver takes the recorded steps of the old loop")
struct DormandPrince54StepIdentityTests {
    struct Case {
        let name: String
        let field: any VectorField
        let x0: Tensor
        let t0: Double
        let t1: Double
        let solver: EmbeddedRungeKuttaSolver
        let schedule: OutputSchedule
    }

    static func cases() throws -> [Case] {
        let rotation = try OwnSolverProblems.rotationDecay(decay: 0.3, frequency: 2)
        let neural = try Fixtures.neuralField(dimension: 3, hidden: 8, seed: 7)
        let states = try OwnSolverProblems.twoDimensionalStates()
        func solver(_ rtol: Double, _ atol: Double, h0: Double? = nil, hmax: Double = .infinity) throws
            -> EmbeddedRungeKuttaSolver {
            try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: rtol, absoluteTolerance: atol,
                                         initialStepSize: h0, maximumStepSize: hmax)
        }
        return [
            Case(name: "rotationAutomatic", field: rotation, x0: states, t0: 0, t1: 3,
                 solver: try solver(1e-6, 1e-8), schedule: .everyStep),
            Case(name: "rotationRejections", field: rotation, x0: states, t0: 0, t1: 3,
                 solver: try solver(1e-6, 1e-8, h0: 2), schedule: .everyStep),
            Case(name: "logisticDense", field: OwnSolverProblems.logistic, x0: try OwnSolverProblems.logisticStates(),
                 t0: 0, t1: 2, solver: try solver(1e-9, 1e-11), schedule: .times([0, 0.05, 0.7, 0.7, 1.3, 1.99, 2])),
            Case(name: "neuralReplayed", field: neural, x0: try Fixtures.batch(4, 3, seed: 11), t0: 0, t1: 1,
                 solver: try solver(1e-5, 1e-7), schedule: .everyStep),
            Case(name: "rotationBackwards", field: rotation, x0: states, t0: 2, t1: 0,
                 solver: try solver(1e-8, 1e-10), schedule: .everyStep),
            Case(name: "rotationMaximumStep", field: rotation, x0: states, t0: 0, t1: 1,
                 solver: try solver(1e-3, 1e-3, hmax: 0.1), schedule: .everyStep),
        ]
    }

    @Test("Same step times, statistics and step-end states bit for bit; dense outputs within 1e-14")
    func sameStepsAsTheOldLoop() throws {
        for c in try Self.cases() {
            let recorded = try #require(DormandPrince54StepFixture.recorded[c.name])
            let trajectory = try c.solver.solve(c.field, initialState: c.x0, from: c.t0, to: c.t1, saving: c.schedule)
            let s = trajectory.statistics
            #expect(s.functionEvaluations == recorded.functionEvaluations, "\(c.name)")
            #expect(s.acceptedSteps == recorded.acceptedSteps, "\(c.name)")
            #expect(s.rejectedSteps == recorded.rejectedSteps, "\(c.name)")
            #expect(trajectory.times.map(\.bitPattern) == recorded.times, "\(c.name): step times differ")
            let values = trajectory.states.flatMap(\.scalars)
            try #require(values.count == recorded.states.count, "\(c.name)")
            let old = recorded.states.map { Double(bitPattern: $0) }
            if case .everyStep = c.schedule {
                #expect(values.map(\.bitPattern) == recorded.states, "\(c.name): step-end states differ")
            } else {
                // Interpolated outputs: the continuous extension is now evaluated as a
                // polynomial in θ (Horner) instead of Hairer's product form; only rounding differs.
                for (new, expected) in zip(values, old) {
                    #expect(abs(new - expected) <= 1e-14 * max(1, abs(expected)), "\(c.name): \(new) vs \(expected)")
                }
            }
        }
    }
}
