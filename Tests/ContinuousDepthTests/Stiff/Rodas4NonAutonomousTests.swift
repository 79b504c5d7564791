// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif
import ContinuousDepth
import NetworkLayers
import RungeKuttaMethods
import Testing
import TensorCore
import TestSupport

/// The Prothero–Robinson problem, non-autonomous with a known solution for every λ:
///
///     y′ = λ (y − cos t) − sin t,   y(0) = 1,   y(t) = cos t,   ∂f/∂t = λ sin t − cos t
///
/// Reference: Prothero & Robinson, Math. Comp. 28 (1974); Hairer & Wanner, *Solving ODEs II*, §IV.15.
enum ProtheroRobinson {
    /// The field as a plain closure (RODAS4 takes `∂f/∂t` by central difference).
    static func closureField(lambda: Double) -> ClosureVectorField {
        ClosureVectorField(dimension: 1) { y, t, _ in try (try y * lambda) - (lambda * cos(t) + sin(t)) }
    }

    /// The same field stating `∂f/∂t`; `claimsAutonomous` makes it claim 0 instead, which is what
    /// RODAS4 assumed of every closure field before.
    struct TimedField: TimeDifferentiableField {
        let lambda: Double
        let claimsAutonomous: Bool
        var dimension: Int { 1 }
        var parameters: ParameterList { ParameterList() }
        func callAsFunction(_ y: Variable, time t: Double, parameters theta: [Variable]) throws -> Variable {
            try (try y * lambda) - (lambda * cos(t) + sin(t))
        }
        func partialTimeDerivative(at y: Tensor, time t: Double) throws -> Tensor {
            try Tensor(shape: y.shape, repeating: claimsAutonomous ? 0 : lambda * sin(t) - cos(t))
        }
    }

    static func fixedStepErrors(_ field: some VectorField, stepCounts: [Int], to t1: Double) throws -> [Double] {
        let solver = try Rodas4Solver(relativeTolerance: 1e-13, absoluteTolerance: 1e-13)
        return try stepCounts.map { n in
            let y = try solver.solveFixedStep(field, initialState: try Tensor(shape: [1, 1], repeating: 1), from: 0,
                                              to: t1, steps: n).finalState
            return abs(y[0, 0] - cos(t1))
        }
    }
}

@Suite("RODAS4 on a non-autonomous field")
struct Rodas4NonAutonomousTests {
    static let stepCounts = [8, 16, 32, 64]

    @Test("A closure field y′ = −(y − cos t) − sin t: fixed steps converge with order 4 (slope ±0.2), as with the exact ∂f/∂t")
    func orderWithDifferencedTimeDerivative() throws {
        let h = Self.stepCounts.map { 2 / Double($0) }
        let closure = try ProtheroRobinson.fixedStepErrors(ProtheroRobinson.closureField(lambda: -1), stepCounts: Self.stepCounts, to: 2)
        let exact = try ProtheroRobinson.fixedStepErrors(ProtheroRobinson.TimedField(lambda: -1, claimsAutonomous: false),
                                                         stepCounts: Self.stepCounts, to: 2)
        #expect(closure.allSatisfy { $0 > 1e-12 }, "above round-off: \(closure)")
        let slope = try observedOrder(stepSizes: h, errors: closure)
        #expect(abs(slope - Double(RosenbrockTableau.rodas4.order)) <= 0.2, "slope \(slope), errors \(closure)")
        print("rodas4 Prothero–Robinson λ = −1, closure field: slope", slope, "errors", closure)
        for (a, b) in zip(closure, exact) { #expect(abs(a - b) <= 1e-3 * b, "difference quotient vs exact ∂f/∂t: \(a) vs \(b)") }
    }

    @Test("Dropping the ∂f/∂t terms (a field claiming ∂f/∂t = 0) loses the order: slope below 2.5")
    func orderWithoutTimeDerivative() throws {
        let h = Self.stepCounts.map { 2 / Double($0) }
        let errors = try ProtheroRobinson.fixedStepErrors(ProtheroRobinson.TimedField(lambda: -1, claimsAutonomous: true),
                                                          stepCounts: Self.stepCounts, to: 2)
        let slope = try observedOrder(stepSizes: h, errors: errors)
        #expect(slope < 2.5, "slope \(slope), errors \(errors)")
        print("rodas4 Prothero–Robinson λ = −1, ∂f/∂t taken as 0: slope", slope, "errors", errors)
    }

    @Test("Stiff, λ = −10⁴, adaptive at rtol 1e-6: y(10) = cos 10 to 1e-5, with the closure field as with the exact ∂f/∂t")
    func stiffAdaptiveAccuracy() throws {
        let solver = try Rodas4Solver(relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        let y0 = try Tensor(shape: [2, 1], repeating: 1)
        let viaClosure = try solver.solve(ProtheroRobinson.closureField(lambda: -1e4), initialState: y0, from: 0, to: 10)
        let viaExact = try solver.solve(ProtheroRobinson.TimedField(lambda: -1e4, claimsAutonomous: false),
                                        initialState: y0, from: 0, to: 10)
        let a = try #require(viaClosure.states.last), b = try #require(viaExact.states.last)
        for y in [a, b] { #expect(abs(y[1, 0] - cos(10)) < 1e-5, "y(10) = \(y[1, 0]), cos 10 = \(cos(10.0))") }
        print("rodas4 Prothero–Robinson λ = −1e4: closure", viaClosure.statistics, abs(a[1, 0] - cos(10)),
              "exact ∂f/∂t", viaExact.statistics, abs(b[1, 0] - cos(10)))
    }
}
