// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
import TestSupport

@Suite("Forward mode, Hessians and their consistency with reverse mode")
struct ForwardModeTests {
    @Test("⟨u, J v⟩ = ⟨Jᵀu, v⟩ to 1e-10 for every operation", arguments: operationCases)
    func jvpIsAdjointOfVjp(_ c: OperationCase) throws {
        let xs = try randomInputs(for: c, seed: 11)
        var rng = SeededGenerator(seed: 12)
        let vs = try xs.map { try Tensor.randomNormal($0.shape, using: &rng) }
        let (y, jv) = try jacobianVectorProduct(at: xs, tangents: vs) { try c.apply($0) }
        let u = try Tensor.randomNormal(y.shape, using: &rng)
        let (_, jtu) = try vectorJacobianProduct(at: xs, cotangent: u) { try c.apply($0) }
        let lhs = try u.dot(jv)
        let rhs = try zip(jtu, vs).reduce(0.0) { $0 + (try $1.0.dot($1.1)) }
        #expect(Swift.abs(lhs - rhs) <= 1e-10 * Swift.max(Swift.abs(lhs), Swift.abs(rhs), 1e-300), "\(c): \(lhs) vs \(rhs)")
    }

    @Test("JVP matches a central-difference directional derivative", arguments: operationCases.filter { $0.shapes.count == 1 })
    func jvpMatchesFiniteDifferences(_ c: OperationCase) throws {
        let xs = try randomInputs(for: c, seed: 13)
        var rng = SeededGenerator(seed: 14)
        let v = try Tensor.randomNormal(xs[0].shape, using: &rng) * 0.1
        let (_, jv) = try jacobianVectorProduct(at: xs, tangents: [v]) { try c.apply($0) }
        let reference = try FiniteDifferences.directionalDerivative(at: xs[0], along: v) { try c.apply([Variable($0)]).value }
        #expect(try jv.relativeDifference(to: reference) <= 1e-6)
    }

    @Test("HVP matches finite differences of gradients", arguments: operationCases)
    func hvpMatchesFiniteDifferencesOfGradients(_ c: OperationCase) throws {
        let xs = try randomInputs(for: c, seed: 21)
        var rng = SeededGenerator(seed: 22)
        let vs = try xs.map { try Tensor.randomNormal($0.shape, using: &rng) }
        // Square the weighted sum so that linear operations have a non-zero Hessian too.
        let loss: ([Variable]) throws -> Variable = { try weightedLoss(c, $0, seed: 21).square() }
        let r = try hessianVectorProduct(at: xs, directions: vs, of: loss)
        let eps = 1e-5
        let plus = try valueWithGradient(at: zip(xs, vs).map { try $0 + $1 * eps }, in: loss).gradients
        let minus = try valueWithGradient(at: zip(xs, vs).map { try $0 - $1 * eps }, in: loss).gradients
        for k in xs.indices {
            let reference = try (plus[k] - minus[k]) / Tensor(2 * eps)
            let err = try r.products[k].relativeDifference(to: reference)
            #expect(err <= 1e-6, "\(c) input \(k): relative error \(err)")
        }
    }

    @Test("the Hessian of ½xᵀAx + bᵀx is exactly the symmetric part of A")
    func hessianOfQuadraticIsExact() throws {
        let a = try Tensor([[4, 1, 0], [2, 3, -1], [0, -1, 5]])
        let b = Tensor([1, -2, 0.5])
        let x = Tensor([0.3, -0.7, 1.1])
        let h = try hessian(at: x) { x in
            let col = try x.reshaped(to: [3, 1])
            let quad = try Variable.matmul(Variable.matmul(col, Variable(a), transposeA: true), col)
            return try quad.sum() * 0.5 + (x * Variable(b)).sum()
        }
        let expected = try (a + a.transposed()) * 0.5
        #expect(h == expected)
    }

    @Test("the Jacobian of an elementwise map is diagonal with entries f'(x)")
    func jacobianOfElementwiseMap() throws {
        let x = Tensor([0.1, -0.5, 2.0])
        let j = try jacobian(at: x) { try $0.tanh() }
        let t = x.tanh()
        for r in 0..<3 {
            for c in 0..<3 {
                let expected = r == c ? 1 - t.scalars[r] * t.scalars[r] : 0
                #expect(Swift.abs(j[r, c] - expected) <= 1e-15)
            }
        }
    }

    @Test("the Jacobian of x ↦ A·x is A")
    func jacobianOfLinearMap() throws {
        let a = try Tensor([[1, 2, 3], [4, 5, 6]])
        let j = try jacobian(at: Tensor([1, 1, 1])) { x in try Variable.matmul(Variable(a), x.reshaped(to: [3, 1])) }
        #expect(j == a)
    }
}
