// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Testing
import RungeKuttaMethods
import TensorCore
import TestSupport

/// The embedded pairs of the generic driver: every declared order is measured
/// (their order conditions are checked in `RungeKuttaMethodsTests`).
@Suite("Embedded Runge–Kutta pairs: orders measured")
struct EmbeddedPairOrderTests {
    static let methods: [ButcherTableau] = [
        .heunEuler21, .bogackiShampine32, .dormandPrince54, .tsitouras54, .dormandPrince87,
    ]

    /// The embedded solution as a method of its own (weights `b̂`, order `p̂`).
    static func embedded(_ tableau: ButcherTableau) throws -> ButcherTableau {
        let bHat = try #require(tableau.embeddedB)
        let order = try #require(tableau.embeddedOrder)
        return ButcherTableau(name: tableau.name + "-embedded", a: tableau.a, b: bHat, c: tableau.c, order: order)
    }

    /// Errors at or below this are round-off, not truncation (solutions of size ≈ 1).
    static let roundOffFloor = 1e-13

    /// The observed order of a fixed-step method: the slope of log(error) against
    /// log(h) through the finest points above the round-off floor (at most `points`).
    static func slope(of tableau: ButcherTableau, stepCounts: [Int], points: Int, span t1: Double,
                      error: (FixedStepSolver) throws -> Double) throws -> (order: Double, errors: [Double]) {
        var stepSizes: [Double] = []
        var errors: [Double] = []
        for n in stepCounts {
            let e = try error(try FixedStepSolver(tableau, stepCount: n))
            guard e > roundOffFloor else { break }
            stepSizes.append(t1 / Double(n))
            errors.append(e)
        }
        try #require(errors.count >= 2, "\(tableau.name): fewer than 2 points above round-off: \(errors)")
        let (h, e) = (Array(stepSizes.suffix(points)), Array(errors.suffix(points)))
        return (try observedOrder(stepSizes: h, errors: e), e)
    }

    /// Fixed steps on the linear system `x' = Ax`, `A = [[−0.05, −1], [1, −0.05]]`, over
    /// [0, 20] (about three turns), exact `x(t) = e^{At} x0 = e^{−0.05t} R(t) x0`.
    /// The last four step counts of the method's range, from the asymptotic regime.
    static func linearOrder(_ tableau: ButcherTableau) throws -> (order: Double, errors: [Double]) {
        let (decay, t1) = (0.05, 20.0)
        let field = try OwnSolverProblems.rotationDecay(decay: decay, frequency: 1)
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let exact = try OwnSolverProblems.rotationDecayExact(x0, at: t1, decay: decay, frequency: 1)
        let stepCounts = tableau.order <= 2 ? [1280, 2560, 5120, 10240] : [160, 320, 640, 1280]
        return try slope(of: tableau, stepCounts: stepCounts, points: 4, span: t1) { solver in
            try OwnSolverProblems.maximumError(try #require(try solver.solve(field, initialState: x0, from: 0, to: t1)
                .finalState), exact)
        }
    }

    /// Fixed steps on the Riccati equation `y' = y²`, `y(0) = 0.5`, over [0, 1.5]
    /// (exact `y = y0/(1 − y0 t)`, 2 at the end): the two finest points above round-off.
    static func nonlinearOrder(_ tableau: ButcherTableau) throws -> (order: Double, errors: [Double]) {
        let field = ClosureVectorField(dimension: 1) { y, _, _ in try y * y }
        let (y0, t1) = (0.5, 1.5)
        return try slope(of: tableau, stepCounts: [4, 8, 16, 32, 64, 128], points: 2, span: t1) { solver in
            let final = try #require(try solver.solve(field, initialState: try Tensor([[y0]]), from: 0, to: t1).finalState)
            return abs(final[0, 0] - y0 / (1 - y0 * t1))
        }
    }

    /// Prince–Dormand 8(7)'s stability polynomial matches `eᶻ` up to `z⁸` exactly
    /// and at `z⁹` within 1.3e-3 (relative), so on a linear problem its `h⁸` term
    /// is hidden below round-off and it looks like order 9; its order is measured
    /// on a nonlinear problem instead, where every elementary differential counts.
    static func measuredOrder(_ tableau: ButcherTableau) throws -> (order: Double, errors: [Double]) {
        tableau.order >= 7 ? try nonlinearOrder(tableau) : try linearOrder(tableau)
    }

    @Test("The solution converges with the tableau's declared order (fixed steps, exact solution)", arguments: methods)
    func solutionOrder(tableau: ButcherTableau) throws {
        let (order, errors) = try Self.measuredOrder(tableau)
        #expect(abs(order - Double(tableau.order)) <= 0.2, "\(tableau.name): observed \(order), errors \(errors)")
    }

    @Test("The embedded solution converges with the declared embedded order", arguments: methods)
    func embeddedOrder(tableau: ButcherTableau) throws {
        let embedded = try Self.embedded(tableau)
        let (order, errors) = try Self.measuredOrder(embedded)
        #expect(abs(order - Double(embedded.order)) <= 0.2, "\(embedded.name): observed \(order), errors \(errors)")
    }
}
