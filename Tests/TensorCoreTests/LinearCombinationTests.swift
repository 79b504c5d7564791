// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore

/// `x.adding([u₁, …], scaledBy: [α₁, …])`, the one-operation linear combination
/// behind every Runge–Kutta stage (its derivatives are checked with the other
/// operations in `GradientTests` and `ForwardModeTests`).
@Suite("Linear combination x + Σ αⱼ uⱼ")
struct LinearCombinationTests {
    @Test("the value is accumulated term by term, bit for bit as Tensor.add(_:scaledBy:) in order, tracked or not")
    func valueMatchesSequentialAxpy() throws {
        var rng = SeededGenerator(seed: 3)
        let x = try Tensor.randomNormal([4, 3], using: &rng)
        let terms = try (0..<5).map { _ in try Tensor.randomNormal([4, 3], using: &rng) }
        let alphas = [0.1, -1.0 / 3, 2.5, 1e-8, -0.7]
        var expected = x
        for (u, a) in zip(terms, alphas) { try expected.add(u, scaledBy: a) }
        let untracked = try Variable(x).adding(terms.map { Variable($0) }, scaledBy: alphas)
        #expect(!untracked.isTracked)
        #expect(untracked.value == expected)
        let (_, gradients) = try valueWithGradient(at: [x] + terms) { v in
            let y = try v[0].adding(Array(v[1...]), scaledBy: alphas)
            #expect(y.value == expected)
            return try y.sum()
        }
        // ∂(Σ y)/∂x = 1, ∂(Σ y)/∂uⱼ = αⱼ, element by element.
        #expect(gradients[0] == (try Tensor.ones([4, 3])))
        for (g, a) in zip(gradients.dropFirst(), alphas) { #expect(g == (try Tensor(shape: [4, 3], repeating: a))) }
    }

    @Test("mismatched counts and shapes are typed errors")
    func badInputThrows() throws {
        let x = Variable(try Tensor.zeros([2, 2]))
        #expect(throws: TensorError.self) { try x.adding([x], scaledBy: [1, 2]) }
        #expect(throws: TensorError.self) { try x.adding([Variable(try Tensor.zeros([2, 3]))], scaledBy: [1]) }
    }
}
