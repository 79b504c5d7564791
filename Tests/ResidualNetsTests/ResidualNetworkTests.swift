// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import NetworkLayers
import TensorCore
import TestSupport
@testable import ResidualNets

/// F(x) = tanh(x·W₁ᵀ + b₁)·W₂ᵀ + b₂ written with plain tensor operations,
/// independent of `MLPField` and of the autodiff.
func referenceField(_ x: Tensor, _ p: ArraySlice<Tensor>) throws -> Tensor {
    let i = p.startIndex
    let hidden = try (Tensor.matmul(x, p[i], transposeB: true) + p[i + 1]).tanh()
    return try Tensor.matmul(hidden, p[i + 2], transposeB: true) + p[i + 3]
}

@Suite("Residual networks are explicit Runge–Kutta steps of their blocks' fields")
struct ResidualNetworkTests {
    let x0: Tensor = {
        var g = SeededGenerator(seed: 17)
        return try! Tensor.randomNormal([5, 3], using: &g)
    }()

    @Test("a tied Euler ResNet with h = T/L equals L explicit Euler steps of x' = F(x) (to 1e-14)")
    func tiedEulerResNetIsEulerMethod() throws {
        let L = 12, T = 2.0
        let net = try ResidualNetwork(spec: ResidualNetworkSpec(dimension: 3, hidden: 7, depth: L, stepSize: T / Double(L), tied: true), seed: 1)
        var x = x0
        for _ in 0..<L { x = try x + referenceField(x, net.parameters.values[0..<4]) * (T / Double(L)) }
        let y = try net(x0)
        #expect(y.isApproximatelyEqual(to: x, relativeTolerance: 1e-14, absoluteTolerance: 1e-14))
    }

    @Test("an untied Euler ResNet applies block l's own field at step l")
    func untiedEulerResNet() throws {
        let net = try ResidualNetwork(spec: ResidualNetworkSpec(dimension: 3, hidden: 4, depth: 5), seed: 2)
        var x = x0
        for l in 0..<5 { x = try x + referenceField(x, net.parameters.values[(4 * l)..<(4 * l + 4)]) * 0.2 }
        #expect(try net(x0).isApproximatelyEqual(to: x, relativeTolerance: 1e-14, absoluteTolerance: 1e-14))
    }

    @Test("a plain network applies x ← F_l(x) with no skip")
    func plainNetwork() throws {
        let net = try ResidualNetwork(spec: ResidualNetworkSpec(kind: .plain, dimension: 3, hidden: 4, depth: 4), seed: 3)
        var x = x0
        for l in 0..<4 { x = try referenceField(x, net.parameters.values[(4 * l)..<(4 * l + 4)]) }
        #expect(try net(x0).isApproximatelyEqual(to: x, relativeTolerance: 1e-14, absoluteTolerance: 1e-14))
    }

    @Test("Heun, midpoint and RK4 blocks equal one Heun, midpoint and RK4 step of F")
    func higherOrderBlocks() throws {
        let h = 0.3
        for scheme in [BlockScheme.heun, .midpoint, .rk4] {
            let net = try ResidualNetwork(spec: ResidualNetworkSpec(dimension: 3, hidden: 5, depth: 1, stepSize: h, scheme: scheme), seed: 4)
            let f = { (x: Tensor) in try referenceField(x, net.parameters.values[0..<4]) }
            let expected: Tensor
            switch scheme {
            case .heun:
                let k1 = try f(x0), k2 = try f(x0 + k1 * h)
                expected = try x0 + (k1 + k2) * (h / 2)
            case .midpoint:
                expected = try x0 + f(x0 + f(x0) * (h / 2)) * h
            case .rk4:
                let k1 = try f(x0), k2 = try f(x0 + k1 * (h / 2)), k3 = try f(x0 + k2 * (h / 2)), k4 = try f(x0 + k3 * h)
                expected = try x0 + (k1 + k2 * 2 + k3 * 2 + k4) * (h / 6)
            case .euler:
                continue
            }
            #expect(try net(x0).isApproximatelyEqual(to: expected, relativeTolerance: 1e-14, absoluteTolerance: 1e-14), "\(scheme)")
        }
    }

    static let gradientCases: [(ResidualNetworkSpec.Kind, BlockScheme, Bool, Activation)] = [
        (.resnet, .euler, false, .tanh), (.resnet, .heun, false, .softplus), (.resnet, .midpoint, true, .tanh),
        (.resnet, .rk4, false, .tanh), (.resnet, .rk4, true, .softplus), (.plain, .euler, false, .tanh),
        (.plain, .euler, true, .softplus), (.resnet, .euler, true, .relu),
    ]

    @Test("whole-network gradients (input and every parameter) match central finite differences",
          arguments: gradientCases.indices)
    func networkGradients(_ k: Int) throws {
        let (kind, scheme, tied, activation) = Self.gradientCases[k]
        let spec = try ResidualNetworkSpec(kind: kind, dimension: 3, hidden: 4, activation: activation, depth: 3,
                                           scheme: scheme, tied: tied, usesTime: kind == .resnet && !tied)
        let net = try ResidualNetwork(spec: spec, seed: 5)
        let loss = { (args: [Variable]) throws -> Variable in
            try net.forward(args[0], parameters: Array(args.dropFirst())).square().sum() * 0.5
        }
        let inputs = [x0] + net.parameters.values
        let (_, grads) = try valueWithGradient(at: inputs, in: loss)
        let reference = try FiniteDifferences.gradients(at: inputs) { try loss($0.map { Variable($0) }).value.scalar! }
        for (i, (g, r)) in zip(grads, reference).enumerated() {
            let err = try g.relativeDifference(to: r)
            #expect(err <= 1e-6, "\(spec) tensor \(i): \(err)")
        }
    }

    @Test("the spec decodes the eval contract's keys and defaults h to 1/L")
    func specDecoding() throws {
        let json = #"{"model": "resnet", "dim": 2, "hidden": 8, "activation": "relu", "depth": 4, "scheme": "rk4"}"#
        let spec = try ResidualNetworkSpec.decode(json: Data(json.utf8))
        #expect(spec.kind == .resnet && spec.dimension == 2 && spec.hidden == 8 && spec.activation == .relu)
        #expect(spec.stepSize == 0.25 && spec.scheme == .rk4 && !spec.tied)
        let again = try ResidualNetworkSpec.decode(json: JSONEncoder().encode(spec))
        #expect(again == spec)
    }

    @Test("bad specs name the offending field")
    func badSpecs() {
        let cases: [(String, NetworkError)] = [
            (#"{"model": "resnet", "dim": 2, "hidden": 8, "depth": 4, "colour": 1}"#, .unknownField(name: "colour")),
            (#"{"model": "resnet", "hidden": 8, "depth": 4}"#, .missingField(name: "dim")),
            (#"{"model": "resnet", "dim": 2, "hidden": 8, "depth": 0}"#, .invalidField(name: "depth", reason: "must be ≥ 1, got 0")),
            (#"{"model": "resnet", "dim": 2, "hidden": 8, "depth": 4, "h": -1}"#, .invalidField(name: "h", reason: "must be finite and > 0, got -1.0")),
        ]
        for (json, expected) in cases {
            #expect(throws: expected) { try ResidualNetworkSpec.decode(json: Data(json.utf8)) }
        }
        #expect(throws: NetworkError.self) { try ResidualNetworkSpec.decode(json: Data(#"{"model": "resnet", "dim": 2, "hidden": 8, "depth": 4, "activation": "gelu"}"#.utf8)) }
        #expect(throws: NetworkError.self) { try ResidualNetworkSpec.decode(json: Data(#"{"model": "plain", "dim": 2, "hidden": 8, "depth": 4, "scheme": "rk4"}"#.utf8)) }
    }

    @Test("weights: a missing key, a wrong shape or a foreign key is a typed error naming the key")
    func weightValidation() throws {
        let spec = try ResidualNetworkSpec(dimension: 2, hidden: 3, depth: 2)
        let net = try ResidualNetwork(spec: spec, seed: 1)
        var weights = Dictionary(uniqueKeysWithValues: zip(net.parameters.names, net.parameters.values))
        #expect(try ResidualNetwork(spec: spec, weights: weights) == net)
        weights["blocks.1.linear2.bias"] = Tensor([1, 2, 3])
        #expect(throws: NetworkError.parameterShape(name: "blocks.1.linear2.bias", expected: [2], got: [3])) {
            try ResidualNetwork(spec: spec, weights: weights)
        }
        weights["blocks.1.linear2.bias"] = nil
        #expect(throws: NetworkError.missingParameter(name: "blocks.1.linear2.bias")) { try ResidualNetwork(spec: spec, weights: weights) }
        weights["blocks.1.linear2.bias"] = Tensor([0, 0])
        weights["blocks.2.linear1.weight"] = try Tensor.zeros([3, 2])
        #expect(throws: NetworkError.unexpectedParameter(name: "blocks.2.linear1.weight")) { try ResidualNetwork(spec: spec, weights: weights) }
    }
}
