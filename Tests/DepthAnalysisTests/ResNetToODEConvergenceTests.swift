// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import GSLBridge
import ResidualNets
import Testing
import NetworkLayers
import TensorCore
import TestSupport

/// ResNet → ODE: for fixed tied parameters, a residual network with `h = T/L`
/// converges to the flow of its field as `L → ∞`, with the order of its block scheme.
@Suite("Residual networks converge to the ODE flow with the order of their block scheme")
struct ResNetToODEConvergenceTests {
    static let T = 1.0
    let field: MLPField = try! MLPField(dimension: 3, hidden: 12)
    let weights: [Tensor] = {
        var g = SeededGenerator(seed: 31)
        return try! MLPField(dimension: 3, hidden: 12).initialParameters(using: &g).map { $0 * 2.5 }
    }()
    let x0: Tensor = {
        var g = SeededGenerator(seed: 32)
        return try! Tensor.randomNormal([6, 3], using: &g)
    }()

    /// The flow by GSL's rk8pd at rtol = atol = 1e-13.
    func reference() throws -> Tensor {
        let solver = GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-13, absoluteTolerance: 1e-13)
        return try solver.solve(NeuralVectorField(field: field, weights: weights), initialState: x0, from: 0, to: Self.T)
            .states.last!
    }

    func network(_ scheme: BlockScheme, depth: Int) throws -> ResidualNetwork {
        let spec = try ResidualNetworkSpec(dimension: 3, hidden: 12, depth: depth, stepSize: Self.T / Double(depth),
                                           scheme: scheme, tied: true)
        return try ResidualNetwork(spec: spec, weights: Dictionary(uniqueKeysWithValues: zip(field.parameterNames(prefix: "f."), weights)))
    }

    @Test("log–log slope of error vs h: Euler in [0.9, 1.1], Heun and midpoint in [1.9, 2.1], RK4 in [3.8, 4.2]",
          arguments: [(BlockScheme.euler, [16, 32, 64, 128, 256], 0.9...1.1),
                      (.heun, [8, 16, 32, 64, 128], 1.9...2.1),
                      (.midpoint, [8, 16, 32, 64, 128], 1.9...2.1),
                      (.rk4, [4, 8, 16, 32, 64], 3.8...4.2)])
    func convergenceOrder(_ scheme: BlockScheme, depths: [Int], expected: ClosedRange<Double>) throws {
        let flow = try reference()
        let errors = try depths.map { try (network(scheme, depth: $0)(x0) - flow).maxNorm() }
        let slope = try observedOrder(stepSizes: depths.map { Self.T / Double($0) }, errors: errors)
        print("ResNet→ODE \(scheme): slope \(slope), errors \(errors)")
        #expect(expected.contains(slope), "\(scheme): slope \(slope), errors \(errors)")
        #expect(errors.last! > 1e-12, "stay above the reference's round-off floor")
    }

    @Test("a tied Euler ResNet equals the neural ODE block with solver euler and steps = L (to 1e-14)")
    func resnetIsEulerNeuralODE() throws {
        let depth = 10
        let spec = try NeuralODESpec(dimension: 3, hidden: 12, endTime: Self.T, solver: .euler, steps: depth)
        let block = try NeuralODEBlock(spec: spec, weights: Dictionary(uniqueKeysWithValues: zip(field.parameterNames(prefix: "f."), weights)))
        #expect(try block(x0).isApproximatelyEqual(to: network(.euler, depth: depth)(x0), relativeTolerance: 1e-14, absoluteTolerance: 1e-14))
    }
}
