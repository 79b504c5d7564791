// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import Foundation
import ResODE

/// `resode demo`: a short tour of the core that checks its own claims as it goes.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A short demonstration of the tensor + autodiff core on residual networks.")

    func run() throws {
        // 1. A tied Euler ResNet is L Euler steps; the error against the ODE flow falls like h.
        print("1. ResNet → ODE: a tied Euler ResNet with h = 1/L against the flow of the same field")
        let field = try MLPField(dimension: 2, hidden: 16)
        var generator = SeededGenerator(seed: 7)
        let x0 = try Tensor.randomNormal([8, 2], using: &generator)
        let weights = try field.initialParameters(using: &generator).map { try $0 * 3 }
        let vectorField = try NeuralVectorField(field: field, weights: weights)
        // Reference flow: GSL's rk8pd at tight tolerance, the batch as one flat system.
        let system = GSLODESystem(dimension: x0.count) { t, y in
            try vectorField.evaluate(Tensor(shape: x0.shape, scalars: y), time: t).scalars
        }
        let solver = try GSLODESolver(system: system, stepType: .rk8pd, relativeTolerance: 1e-12, absoluteTolerance: 1e-12)
        guard let final = try solver.solve(from: 0, to: 1, initial: x0.scalars).finalState else { return }
        let flow = try Tensor(shape: x0.shape, scalars: final)
        var previous: Double? = nil
        for depth in [4, 8, 16, 32, 64] {
            let spec = try ResidualNetworkSpec(dimension: 2, hidden: 16, depth: depth, tied: true)
            let names = field.parameterNames(prefix: "f.")
            let net = try ResidualNetwork(spec: spec, weights: Dictionary(uniqueKeysWithValues: zip(names, weights)))
            let error = try (net(x0) - flow).maxNorm()
            let ratio = previous.map { String(format: "  (error ratio %.2f; order-1 method → 2)", $0 / error) } ?? ""
            print(String(format: "   L = %3d  max error %.3e", depth, error) + ratio)
            previous = error
        }
    }
}
