// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import TensorCore

/// The fused optimiser kernels give, bit for bit, the elementwise formulas of their doc
/// comments evaluated in plain Swift (no FMA contraction, the same order of operations),
/// on every length (vector body and scalar tail) and on zeros, large values and decay on/off.
@Suite("Fused in-place optimiser updates")
struct OptimizerUpdateTests {
    /// Parameters, gradients and a state of length `n`, with some exact zeros and large values.
    static func data(_ n: Int, seed: UInt64) throws -> (theta: Tensor, g: Tensor, a: Tensor, b: Tensor) {
        var generator = SeededGenerator(seed: seed)
        var theta = try Tensor.randomNormal([n], using: &generator)
        var g = try Tensor.randomNormal([n], standardDeviation: 1e-3, using: &generator)
        let a = try Tensor.randomNormal([n], standardDeviation: 1e-2, using: &generator)
        let b = try Tensor.randomUniform([n], low: 0, high: 1e-4, using: &generator)
        if n > 2 { g[flat: 0] = 0; theta[flat: 1] = 0; g[flat: 2] = 1e150 }
        return (theta, g, a, b)
    }

    static let lengths = [1, 3, 8, 17, 1000]

    @Test("Adam: θ, m and v equal the scalar formulas exactly, with L2, decoupled and no decay", arguments: [(0.0, 1.0), (1e-2, 1.0), (0.0, 0.9995)])
    func adam(l2: Double, shrink: Double) throws {
        for n in Self.lengths {
            let (theta0, g, m0, v0) = try Self.data(n, seed: UInt64(n))
            let (beta1, beta2, eta, epsilon) = (0.9, 0.999, 1e-3, 1e-8)
            let c1 = 1 / (1 - pow(beta1, 3.0)), c2 = 1 / (1 - pow(beta2, 3.0))
            var theta = theta0, m = m0, v = v0
            try theta.applyAdamUpdate(gradient: g, firstMoment: &m, secondMoment: &v, coefficients: AdamUpdateCoefficients(
                beta1: beta1, beta2: beta2, firstCorrection: c1, secondCorrection: c2, learningRate: eta, epsilon: epsilon,
                l2: l2, shrink: shrink))
            for i in 0..<n {
                let gi = g[flat: i] + l2 * theta0[flat: i]
                let mi = beta1 * m0[flat: i] + (1 - beta1) * gi
                let vi = beta2 * v0[flat: i] + (1 - beta2) * gi * gi
                let expected = shrink * theta0[flat: i] - eta * (mi * c1) / ((vi * c2).squareRoot() + epsilon)
                #expect(m[flat: i].bitPattern == mi.bitPattern && v[flat: i].bitPattern == vi.bitPattern, "n = \(n), i = \(i)")
                #expect(theta[flat: i].bitPattern == expected.bitPattern, "n = \(n), i = \(i): \(theta[flat: i]) vs \(expected)")
            }
        }
    }

    @Test("SGD, heavy-ball and Nesterov momentum: θ and v equal the scalar formulas exactly", arguments: [false, true])
    func momentum(nesterov: Bool) throws {
        let (eta, mu, l2, shrink) = (0.1, 0.9, 1e-3, 0.99)
        for n in Self.lengths {
            let (theta0, g, v0, _) = try Self.data(n, seed: UInt64(100 + n))
            var theta = theta0, v = v0
            try theta.applyMomentumUpdate(gradient: g, velocity: &v, learningRate: eta, momentum: mu, nesterov: nesterov,
                                          l2: l2, shrink: shrink)
            var plain = theta0
            try plain.applyGradientDescentUpdate(gradient: g, learningRate: eta, l2: l2, shrink: shrink)
            for i in 0..<n {
                let gi = g[flat: i] + l2 * theta0[flat: i]
                let vi = mu * v0[flat: i] + gi
                let d = nesterov ? gi + mu * vi : vi
                #expect(v[flat: i].bitPattern == vi.bitPattern, "n = \(n), i = \(i)")
                #expect(theta[flat: i].bitPattern == (shrink * theta0[flat: i] - eta * d).bitPattern, "n = \(n), i = \(i)")
                #expect(plain[flat: i].bitPattern == (shrink * theta0[flat: i] - eta * gi).bitPattern, "n = \(n), i = \(i)")
            }
        }
    }

    @Test("A state or gradient of another shape is a shape mismatch, and nothing changes")
    func shapeMismatch() throws {
        var theta = try Tensor.ones([2, 3])
        var m = try Tensor.zeros([2, 3]), v = try Tensor.zeros([3, 2])
        #expect(throws: TensorError.self) {
            try theta.applyAdamUpdate(gradient: try Tensor.ones([2, 3]), firstMoment: &m, secondMoment: &v,
                                      coefficients: AdamUpdateCoefficients(beta1: 0.9, beta2: 0.999, firstCorrection: 10,
                                                                           secondCorrection: 1000, learningRate: 1, epsilon: 1e-8,
                                                                           l2: 0, shrink: 1))
        }
        var velocity = try Tensor.zeros([2, 3])
        #expect(throws: TensorError.self) {
            try theta.applyMomentumUpdate(gradient: try Tensor.ones([6]), velocity: &velocity, learningRate: 1, momentum: 0.9,
                                          nesterov: false, l2: 0, shrink: 1)
        }
        #expect(throws: TensorError.self) {
            try theta.applyGradientDescentUpdate(gradient: try Tensor.ones([3, 2]), learningRate: 1, l2: 0, shrink: 1)
        }
        let (ones, zeros) = (try Tensor.ones([2, 3]), try Tensor.zeros([2, 3]))
        #expect(theta == ones && m == zeros && velocity == zeros)
    }
}
