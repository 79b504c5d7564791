// SPDX-License-Identifier: GPL-3.0-or-later
@testable import ContinuousDepth
import Foundation
import NetworkLayers
import Testing
import TensorCore
import TestSupport

@Suite("Fully implicit Runge–Kutta steps: order, implicit-function gradients, typed failures")
struct ImplicitRungeKuttaTests {
    static let tableaus: [ImplicitRungeKuttaTableau] = [.implicitEuler, .implicitMidpoint, .gaussLegendre4]

    /// `y′ = cos(t)·A y` with symmetric `A` (eigenvalues −1, −2, −3): `y(t) = e^{sin(t)·A} y(0)`,
    /// non-autonomous so that the nodes `c` are exercised.
    @Test("Fixed steps on y′ = cos(t)·A·y measure the tableau's declared order (slope within ±0.2)",
          arguments: tableaus)
    func measuredOrder(tableau: ImplicitRungeKuttaTableau) throws {
        let linear = try StiffReferenceProblems.Linear(eigenvalues: [-1, -2, -3])
        let field = ClosureVectorField(dimension: 3) { x, t, _ in try linear.field(x).scaled(by: cos(t)) }
        let x0 = try Tensor(shape: [2, 3], scalars: [1, -0.5, 0.25, 0.3, 0.8, -1])
        let exact = try linear.exact(x0, at: sin(1.0))
        var stepSizes: [Double] = [], errors: [Double] = []
        for steps in [8, 16, 32, 64] {
            let h = 1.0 / Double(steps)
            var y = Variable(x0), evaluations = 0
            for k in 0..<steps {
                y = try ImplicitRungeKuttaStep.step(tableau, field: field, from: y, at: Double(k) * h, by: h,
                                                    parameters: [], evaluations: &evaluations)
            }
            stepSizes.append(h)
            errors.append(try (y.value - exact).abs().max())
        }
        let slope = try observedOrder(stepSizes: stepSizes, errors: errors)
        print("\(tableau.name): errors \(errors), slope \(slope)")
        #expect(abs(slope - Double(tableau.order)) <= 0.2, "\(tableau.name): slope \(slope), declared \(tableau.order)")
    }

    /// `f(x, t; W, v) = tanh(x·Wᵀ) + t·v` on d = 2 (batch 2).
    static let field: ClosureVectorField = {
        let parameters = try! ParameterList(names: ["W", "v"],
                                            values: [try! Tensor(shape: [2, 2], scalars: [0.8, -1.2, 0.5, -0.3]),
                                                     try! Tensor(shape: [1, 2], scalars: [0.4, -0.7])])
        return ClosureVectorField(dimension: 2, parameters: parameters) { x, t, theta in
            try Variable.matmul(x, theta[0], transposeB: true).tanh() + theta[1].scaled(by: t)
        }
    }()

    static let y0 = try! Tensor(shape: [2, 2], scalars: [0.6, -0.9, -0.2, 0.4])
    /// Cotangent weights for the stacked stages `[s·batch, d]` (and for `yₙ₊₁`).
    static func weights(count: Int) -> Tensor {
        try! Tensor(shape: [count / 2, 2], scalars: (0..<count).map { sin(Double($0) + 1) })
    }

    /// `Σ w ⊙ Z` of the stages solved from `(y, W, v)` at t = 0.2, h = 0.3 (untracked).
    static func stageLoss(_ tableau: ImplicitRungeKuttaTableau, _ inputs: [Tensor]) throws -> Double {
        var evaluations = 0
        let stages = try ImplicitRungeKuttaStages.solve(tableau, field: field, from: inputs[0], at: 0.2, by: 0.3,
                                                        parameters: Array(inputs.dropFirst()),
                                                        maximumIterations: 16, evaluations: &evaluations)
        let w = weights(count: stages.count).scalars
        return zip(w, stages).reduce(0) { $0 + $1.0 * $1.1 }
    }

    @Test("The coupled-stage operation's gradients w.r.t. y and θ match central differences of the Newton solve to 1e-7",
          arguments: tableaus)
    func coupledStageGradientsMatchFiniteDifferences(tableau: ImplicitRungeKuttaTableau) throws {
        let inputs = [Self.y0] + Self.field.parameters.values
        let (_, products) = try vectorJacobianProduct(at: inputs, cotangent: Tensor(1.0)) { v in
            var evaluations = 0
            let stages = try ImplicitRungeKuttaStages.solve(tableau, field: Self.field, from: v[0].value, at: 0.2, by: 0.3,
                                                            parameters: v.dropFirst().map(\.value),
                                                            maximumIterations: 16, evaluations: &evaluations)
            let z = try CoupledImplicitStageOperation.record(stages: stages, from: v[0], tableau: tableau, at: 0.2,
                                                             by: 0.3, field: Self.field, parameters: Array(v.dropFirst()))
            return try (z * Variable(Self.weights(count: stages.count))).sum()
        }
        let reference = try FiniteDifferences.gradients(at: inputs, step: 1e-6) { try Self.stageLoss(tableau, $0) }
        for (k, (g, r)) in zip(products, reference).enumerated() {
            let error = try (g - r).l2Norm() / max(r.l2Norm(), 1e-300)
            #expect(error <= 1e-7, "\(tableau.name), input \(k): relative error \(error)")
        }
    }

    @Test("A whole step yₙ₊₁ on the tape: gradients w.r.t. y and θ match central differences to 1e-7",
          arguments: tableaus)
    func stepGradientsMatchFiniteDifferences(tableau: ImplicitRungeKuttaTableau) throws {
        let inputs = [Self.y0] + Self.field.parameters.values
        let w = Variable(Self.weights(count: 4))
        func loss(_ v: [Variable]) throws -> Variable {
            var evaluations = 0
            let next = try ImplicitRungeKuttaStep.step(tableau, field: Self.field, from: v[0], at: 0.2, by: 0.3,
                                                       parameters: Array(v.dropFirst()), evaluations: &evaluations)
            return try (next * w).sum()
        }
        let (_, products) = try vectorJacobianProduct(at: inputs, cotangent: Tensor(1.0), of: loss)
        let reference = try FiniteDifferences.gradients(at: inputs, step: 1e-6) {
            try loss($0.map { Variable($0) }).value.scalars[0]
        }
        for (k, (g, r)) in zip(products, reference).enumerated() {
            let error = try (g - r).l2Norm() / max(r.l2Norm(), 1e-300)
            #expect(error <= 1e-7, "\(tableau.name), input \(k): relative error \(error)")
        }
    }

    @Test("Stage equations without a real solution (z = 1 + z², implicit Euler, h = 1) throw stageEquationsDidNotConverge at the step's time")
    func nonConvergenceThrowsTypedError() throws {
        let square = ClosureVectorField(dimension: 1) { x, _, _ in try x.square() }
        var evaluations = 0
        #expect {
            _ = try ImplicitRungeKuttaStep.step(.implicitEuler, field: square, from: Variable(try Tensor(shape: [1, 1], scalars: [1])),
                                                at: 0.5, by: 1, parameters: [], evaluations: &evaluations)
        } throws: { error in
            guard case let ContinuousDepthError.stageEquationsDidNotConverge(time, stepSize, _) = error else { return false }
            return time == 0.5 && stepSize == 1
        }
        #expect(evaluations == ImplicitRungeKuttaStep.defaultMaximumNewtonIterations)
    }

    @Test("A malformed tableau is refused with a typed error naming the problem")
    func malformedTableauRefused() {
        #expect(throws: ContinuousDepthError.self) {
            try ImplicitRungeKuttaTableau(name: "bad", a: [[1, 0]], b: [1], c: [1], order: 1)
        }
        #expect(throws: ContinuousDepthError.self) {
            try ImplicitRungeKuttaTableau(name: "nan", a: [[.nan]], b: [1], c: [1], order: 1)
        }
        #expect(throws: ContinuousDepthError.self) {
            try ImplicitRungeKuttaTableau(name: "order", a: [[1]], b: [1], c: [1], order: 0)
        }
    }
}
