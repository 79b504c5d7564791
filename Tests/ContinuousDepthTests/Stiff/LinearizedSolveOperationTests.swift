// SPDX-License-Identifier: GPL-3.0-or-later
@testable import ContinuousDepth
import GSLBridge
import NetworkLayers
import Testing
import TensorCore
import TestSupport

/// `u = (I − s·J(t, y; θ))⁻¹ r` on the tape: its value, its gradients with respect to
/// `r`, `y` and `θ` against central differences, and a singular `I − sJ`.
@Suite("The recorded linearized solve u = (I − sJ)⁻¹ r")
struct LinearizedSolveOperationTests {
    static let (s, t) = (0.35, 0.4)

    /// `f(y, t; W, b) = tanh(y·W + b + t) − 0.3·y⊙y`, `d = 3`: nonlinear in `y` and in `θ`,
    /// so `J` depends on both and the second-order terms of the pullback are not zero.
    static func field(weights: [Tensor]? = nil) throws -> ClosureVectorField {
        var generator = SeededGenerator(seed: 17)
        let values = try weights ?? [Tensor.randomNormal([3, 3], standardDeviation: 0.8, using: &generator),
                                 Tensor.randomNormal([3], standardDeviation: 0.5, using: &generator)]
        let parameters = try ParameterList(names: ["W", "b"], values: values)
        return ClosureVectorField(dimension: 3, parameters: parameters) { y, t, theta in
            try (try (try y.matmul(theta[0]) + theta[1]) + t).tanh() - (y * y) * 0.3
        }
    }

    static let y = try! StiffProblems.states(count: 2, dimension: 3, seed: 5)
    static let r = try! StiffProblems.states(count: 2, dimension: 3, seed: 6)
    /// Fixed weights of the scalar loss `Σ c⊙u + ½ Σ u²`.
    static let c = try! StiffProblems.states(count: 2, dimension: 3, seed: 7)

    static func loss(_ inputs: [Variable]) throws -> Variable {
        let field = try Self.field()
        let u = try LinearizedSolveOperation.record(inputs[0], scale: s, jacobianAt: inputs[1], time: t, field: field,
                                                    parameters: Array(inputs[2...]), factorization: nil)
        return try (u * Variable(c)).sum() + (u * u).sum() * 0.5
    }

    @Test("The value solves (I − sJ)u = r (J·u by forward mode) to 1e-14, with or without a given factorization")
    func valueSolvesTheSystem() throws {
        let field = try Self.field()
        let theta = field.parameters.values.map { Variable($0) }
        let u = try LinearizedSolveOperation.record(Variable(Self.r), scale: Self.s, jacobianAt: Variable(Self.y),
                                                    time: Self.t, field: field, parameters: theta, factorization: nil)
        let (_, jacobianTimesU) = try jacobianVectorProduct(at: [Self.y], tangents: [u.value]) { inputs in
            try field(inputs[0], time: Self.t, parameters: theta)
        }
        let residual = try (u.value - jacobianTimesU * Self.s) - Self.r
        #expect(residual.scalars.map(abs).max()! <= 1e-14, "residual \(residual)")
        #expect(jacobianTimesU.l2Norm() > 0.1, "J·u is not negligible")
        let lu = try BlockDiagonalJacobian(of: field, at: Self.y, time: Self.t, parameters: field.parameters.values)
            .factorIterationMatrix(scale: Self.s)
        let reused = try LinearizedSolveOperation.record(Variable(Self.r), scale: Self.s, jacobianAt: Variable(Self.y),
                                                         time: Self.t, field: field, parameters: theta, factorization: lu)
        #expect(reused.value == u.value)
    }

    @Test("Gradients with respect to r, y, W and b match central differences to 1e-7 relative")
    func gradientsMatchFiniteDifferences() throws {
        let inputs = [Self.r, Self.y] + (try Self.field()).parameters.values
        let (value, gradients) = try valueWithGradient(at: inputs) { try Self.loss($0) }
        let reference = try FiniteDifferences.gradients(at: inputs) { xs in
            try Self.loss(xs.map { Variable($0) }).value.scalar!
        }
        #expect(abs(value - (try Self.loss(inputs.map { Variable($0) }).value.scalar!)) <= 1e-15)
        for (k, (g, fd)) in zip(gradients, reference).enumerated() {
            #expect(fd.l2Norm() > 1e-3, "input \(k) has a gradient to check")
            #expect(try g.relativeDifference(to: fd) < 1e-7, "input \(k): \(g) vs \(fd)")
        }
    }

    @Test("With y and θ constants only r̄ = (I − sJ)⁻ᵀ ū is computed, matching central differences in r")
    func rightHandSideOnly() throws {
        let field = try Self.field()
        let theta = field.parameters.values.map { Variable($0) }
        func loss(_ r: Variable) throws -> Variable {
            let u = try LinearizedSolveOperation.record(r, scale: Self.s, jacobianAt: Variable(Self.y), time: Self.t,
                                                        field: field, parameters: theta, factorization: nil)
            return try (u * Variable(Self.c)).sum() + (u * u).sum() * 0.5
        }
        let g = try gradient(at: Self.r) { try loss($0) }
        let fd = try FiniteDifferences.gradient(at: Self.r) { try loss(Variable($0)).value.scalar! }
        #expect(try g.relativeDifference(to: fd) < 1e-7)
    }

    @Test("A singular I − sJ throws BatchedLinearAlgebraError naming the block; a wrong shape names the shapes")
    func singularMatrixIsATypedError() throws {
        // f = y⊙y: J_b = diag(2y_b), and I − ½J_b is singular exactly when some y_bi = 1 (block 1 here).
        let square = ClosureVectorField(dimension: 2) { y, _, _ in try y * y }
        let y = try Tensor([[0.3, 0.2], [1.0, 0.5]])
        #expect(throws: BatchedLinearAlgebraError.singularBlock(block: 1)) {
            _ = try LinearizedSolveOperation.record(Variable(y), scale: 0.5, jacobianAt: Variable(y), time: 0,
                                                    field: square, parameters: [], factorization: nil)
        }
        #expect {
            _ = try LinearizedSolveOperation.record(Variable(try Tensor([[1, 2, 3]])), scale: 0.5, jacobianAt: Variable(y),
                                                    time: 0, field: square, parameters: [], factorization: nil)
        } throws: { error in
            "\(error)".contains("[2, 2]") && "\(error)".contains("[1, 3]")
        }
    }
}
