// SPDX-License-Identifier: GPL-3.0-or-later
@testable import ContinuousDepth
import Foundation
import GSLBridge
import Testing
import TensorCore
import TestSupport

/// `(I − s·J(y, θ))⁻¹ r` on the tape through a shared Jacobian variable
/// (`JacobianBlocksOperation` + `IterationMatrixSolveOperation`): gradients in `r`,
/// `y` and `θ` against central differences of the same solves done on values.
@Suite("Iteration-matrix solves sharing one recorded Jacobian differentiate like finite differences")
struct IterationMatrixSolveOperationTests {
    let field = GradientTestProblem.field
    let y = GradientTestProblem.x0

    /// ℓ = Σ c₁ ⊙ u₁ + Σ c₂ ⊙ u₂, with u₁ = (I − 0.3J)⁻¹ r and u₂ = (I − 0.7J)⁻¹ (r ⊙ r),
    /// both solves with the Jacobian at (y, θ).
    func loss(_ y: Variable, _ r: Variable, _ theta: [Variable]) throws -> Variable {
        let (blocks, jacobian) = try JacobianBlocksOperation.record(field, at: y, time: 0.2, parameters: theta)
        let u1 = try IterationMatrixSolveOperation.record(r, scale: 0.3, jacobian: blocks,
                                                          factorization: try jacobian.factorIterationMatrix(scale: 0.3))
        let u2 = try IterationMatrixSolveOperation.record(r * r, scale: 0.7, jacobian: blocks,
                                                          factorization: try jacobian.factorIterationMatrix(scale: 0.7))
        let c1 = Variable(try Tensor(shape: y.shape, scalars: (0..<y.value.count).map { 0.5 + Double($0) * 0.1 }))
        let c2 = Variable(try Tensor(shape: y.shape, scalars: (0..<y.value.count).map { cos(Double($0)) }))
        return try (c1 * u1).sum() + (c2 * u2).sum()
    }

    @Test("the gradient in r, y and every parameter matches central differences to 1e-7")
    func gradientMatchesFiniteDifferences() throws {
        let r = try Tensor(shape: y.shape, scalars: (0..<y.count).map { sin(Double($0) + 1) })
        let weights = field.parameters.values
        let (_, gradients) = try valueWithGradient(at: [y, r] + weights) { inputs in
            try loss(inputs[0], inputs[1], Array(inputs[2...]))
        }
        let fd = try FiniteDifferences.gradients(at: [y, r] + weights, step: 1e-5) { inputs in
            try loss(Variable(inputs[0]), Variable(inputs[1]), inputs[2...].map { Variable($0) }).value.sum()
        }
        for (k, (g, f)) in zip(gradients, fd).enumerated() {
            let difference = try g.relativeDifference(to: f)
            print("input \(k): relative difference to central differences \(difference)")
            #expect(difference <= 1e-7, "input \(k): \(difference)")
        }
    }

    @Test("mismatched shapes throw invalidArgument")
    func shapesAreChecked() throws {
        let (blocks, jacobian) = try JacobianBlocksOperation.record(field, at: Variable(y), time: 0,
                                                                    parameters: field.parameters.values.map { Variable($0) })
        let lu = try jacobian.factorIterationMatrix(scale: 0.1)
        #expect(throws: ContinuousDepthError.self) {
            try IterationMatrixSolveOperation.record(Variable(Tensor.zeros([2, 2])), scale: 0.1, jacobian: blocks,
                                                     factorization: lu)
        }
    }
}
