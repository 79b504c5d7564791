// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore
import ResidualNets
@testable import DepthAnalysis

/// Shared test inputs: seeded random tensors and small networks.
enum Fixtures {
    static func normal(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var g = SeededGenerator(seed: seed)
        return try Tensor.randomNormal(shape, using: &g)
    }

    /// An untied Euler ResNet `x + h·F_l(x)` with tanh MLP fields.
    static func residualNetwork(dimension: Int = 3, hidden: Int = 5, depth: Int, seed: UInt64 = 1) throws -> ResidualNetwork {
        try ResidualNetwork(spec: ResidualNetworkSpec(dimension: dimension, hidden: hidden, depth: depth), seed: seed)
    }

    /// `ℓ(x_L) = ½‖x_L − y‖² / batch` against a fixed random target.
    static func squaredError(against target: Tensor) -> StateLoss {
        { x in try (x - Variable(target)).square().sum().scaled(by: 0.5 / Double(target.shape[0])) }
    }

    /// `|a − b| ≤ tolerance·max(1, |b|)`.
    static func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }
}
