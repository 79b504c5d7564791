// SPDX-License-Identifier: GPL-3.0-or-later
@testable import ContinuousDepth
import NetworkLayers
import TensorCore
import Testing

/// `f(x) = −x`; its time-column form throws `failure` when set, else goes through
/// a transpose (an operation without a forward kernel) when `untraceable`.
private struct DecayField: TraceableField {
    struct Failure: Error {}
    let untraceable: Bool
    let failing: Bool
    var dimension: Int { 2 }
    var parameters: ParameterList { ParameterList() }

    func callAsFunction(_ x: Variable, time t: Double, parameters theta: [Variable]) throws -> Variable { try -x }

    func callAsFunction(_ x: Variable, timeColumn: Variable, parameters theta: [Variable]) throws -> Variable {
        if failing { throw Failure() }
        return untraceable ? try -(x.transposed().transposed()) : try -x
    }
}

@Suite("Tracing falls back to the field itself only for 'cannot be traced' errors")
struct TraceFallbackTests {
    @Test("notTraceable, traceMismatch and unsupported give nil; other errors propagate")
    func classification() throws {
        #expect(try traceUnlessUntraceable { () throws -> Int in throw AutodiffError.notTraceable(operation: "x") } == nil)
        #expect(try traceUnlessUntraceable { () throws -> Int in throw AutodiffError.traceMismatch(reason: "x") } == nil)
        #expect(try traceUnlessUntraceable { () throws -> Int in
            throw AutodiffError.unsupported(operation: "x", reason: "y")
        } == nil)
        #expect(throws: AutodiffError.self) {
            _ = try traceUnlessUntraceable { () throws -> Int in throw AutodiffError.mixedTapes(operation: "x") }
        }
        #expect(try traceUnlessUntraceable { 7 } == 7)
    }

    @Test("an untraceable field is evaluated directly and gives f(x) = −x")
    func untraceableFieldFallsBack() throws {
        let system = try BatchODESystem(field: DecayField(untraceable: true, failing: false), batchSize: 3)
        #expect(!system.replaysTrace)
        #expect(try system.rightHandSide(at: 0, state: [1, 2, 3, 4, 5, 6]) == [-1, -2, -3, -4, -5, -6])
        let traced = try BatchODESystem(field: DecayField(untraceable: false, failing: false), batchSize: 3)
        #expect(traced.replaysTrace)
    }

    @Test("a field error while tracing propagates from the GSL system, the own solver and the adjoint field")
    func fieldErrorPropagates() throws {
        let field = DecayField(untraceable: false, failing: true)
        #expect(throws: DecayField.Failure.self) { _ = try BatchODESystem(field: field, batchSize: 3) }
        #expect(throws: DecayField.Failure.self) { _ = try AugmentedAdjointField(field: field, batchSize: 3) }
        let solver = try FixedStepSolver(.rungeKutta4, stepCount: 4)
        let x0 = try Tensor(shape: [3, 2], repeating: 1)
        #expect(throws: DecayField.Failure.self) {
            _ = try solver.solve(field, initialState: x0, from: 0, to: 1, saving: .everyStep, events: [],
                                 keepingDenseOutput: false)
        }
        // The untraceable field solves through the field itself: x(1) ≈ e^{−1} (RK4, 4 steps).
        let trajectory = try solver.solve(DecayField(untraceable: true, failing: false), initialState: x0, from: 0, to: 1,
                                          saving: .everyStep, events: [], keepingDenseOutput: false)
        let last = try #require(trajectory.states.last)
        #expect(last.scalars.allSatisfy { abs($0 - 0.36787944117) < 1e-3 })
    }
}
