// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import Foundation
import ResODE

/// `resode demo`: a tour of ResODE in a few seconds — solve, train, take a gradient three
/// ways, measure — that checks each claim as it goes and fails (exit 1) if one does not hold.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A tour in seconds: solve a neural ODE, train a ResNet and its plain twin, "
            + "compare three gradients, measure the gradient highway.")

    struct ClaimFailed: Error, CustomStringConvertible {
        let description: String
    }

    func run() throws {
        let start = Date()
        try solve()
        try train()
        try gradients()
        try analyse()
        print(String(format: "\nEvery claim above held (%.1f s). Next: `resode paper --help`, `resode report --quick`.",
                     Date().timeIntervalSince(start)))
    }

    func check(_ holds: Bool, _ claim: String) throws {
        guard holds else { throw ClaimFailed(description: "resode demo: the claim '\(claim)' did not hold") }
    }

    /// One field `F`, three views: a tied Euler ResNet with `h = 1/L`, the adaptive own
    /// Dormand–Prince solve and GSL's rk8pd reference flow.
    func solve() throws {
        print("1. Solve: the field F(x) = W₂·tanh(W₁x + b₁) + b₂ as a ResNet and as an ODE")
        let field = try MLPField(dimension: 2, hidden: 16)
        var generator = SeededGenerator(seed: 7)
        let x0 = try Tensor.randomNormal([8, 2], using: &generator)
        let weights = try field.initialParameters(using: &generator).map { try $0 * 3 }
        let vectorField = try NeuralVectorField(field: field, weights: weights)
        let reference = try GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-12, absoluteTolerance: 1e-12)
        let reached = try reference.solve(vectorField, initialState: x0, from: 0, to: 1).states  // [x(1)]
        let flow = reached[reached.count - 1]
        var errors: [Double] = []
        for depth in [8, 16, 32, 64] {
            let spec = try ResidualNetworkSpec(dimension: 2, hidden: 16, depth: depth, tied: true)
            let net = try ResidualNetwork(spec: spec, weights: Dictionary(uniqueKeysWithValues: zip(field.parameterNames(prefix: "f."), weights)))
            errors.append(try (net(x0) - flow).maxNorm())
            print(String(format: "   tied Euler ResNet, L = %2d:  max |x_L − x(1)| = %.2e", depth, errors.last!))
        }
        let order = try LogLogFit(x: [8, 16, 32, 64].map { 1 / Double($0) }, y: errors).slope
        print(String(format: "   observed order %.2f (Euler: 1)", order))
        try check(abs(order - 1) < 0.2, "a tied Euler ResNet converges to the ODE flow with order 1")
        for tolerance in [1e-4, 1e-8] {
            let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: tolerance, absoluteTolerance: tolerance)
            let trajectory = try solver.solve(vectorField, initialState: x0, from: 0, to: 1)
            let error = try (trajectory.states[trajectory.states.count - 1] - flow).maxNorm()
            print(String(format: "   Dormand–Prince 5(4), tol %.0e: error %.2e with %d evaluations",
                         tolerance, error, trajectory.statistics.functionEvaluations))
            try check(error < 100 * tolerance, "Dormand–Prince's error is proportional to its tolerance")
        }
    }

    /// A residual network and its plain twin, same depth and width, on two moons.
    func train() throws {
        print("\n2. Train: a depth-20 ResNet and its plain twin on two moons (30 epochs)")
        let data = try Dataset.twoMoons(count: 400, noise: 0.1, seed: 1).split(testFraction: 0.25, seed: 2)
        var accuracies: [ResidualNetworkSpec.Kind: Double] = [:]
        for kind in [ResidualNetworkSpec.Kind.resnet, .plain] {
            let spec = try ResidualNetworkSpec(kind: kind, dimension: 4, hidden: 16, depth: 20, stepSize: kind == .resnet ? 0.2 : 1)
            var classifier = try Classifier(inputWidth: 2, stateWidth: 4, outputs: 2, embedding: .zeroPadding,
                                            body: ResidualNetwork(spec: spec, seed: 3), seed: 4)
            var trainer = Trainer(optimizer: try Adam(learningRate: 0.01), epochs: 30, batchSize: 32, seed: 5, progress: .silent)
            let metrics = try trainClassifier(&classifier, on: data.train, heldOut: data.test, trainer: &trainer)
            guard let last = metrics.last, let accuracy = last.heldOutAccuracy else {
                throw ClaimFailed(description: "resode demo: training returned no held-out accuracy")
            }
            accuracies[kind] = accuracy
            print(String(format: "   %@ held-out accuracy %.1f %%, final training loss %.3f", kind == .resnet ? "ResNet:" : "plain: ",
                         100 * accuracy, last.trainingLoss))
        }
        try check(accuracies[.resnet]! >= 0.95, "the ResNet reaches 95 % held-out accuracy")
        try check(accuracies[.resnet]! >= accuracies[.plain]!, "the ResNet does at least as well as its plain twin")
    }

    /// `∂ℓ/∂x₀` of a neural ODE by backprop through Dormand–Prince, by the continuous
    /// adjoint (GSL), and by central finite differences.
    func gradients() throws {
        print("\n3. Gradients of ℓ = ½·Σ x(1)² for a neural ODE, three ways")
        var generator = SeededGenerator(seed: 11)
        let x0 = try Tensor.randomNormal([4, 3], using: &generator)
        var results: [(String, Tensor)] = []
        for (name, solver, method) in [("backprop through dopri5", NeuralODESolverChoice.dormandPrince54, NeuralODEGradientMethod.backprop),
                                       ("continuous adjoint (rkf45)", .gsl(.rkf45), .adjoint)] {
            let spec = try NeuralODESpec(dimension: 3, hidden: 8, solver: solver, relativeTolerance: 1e-10, absoluteTolerance: 1e-10)
            let block = try NeuralODEBlock(spec: spec, gradientMethod: method, seed: 12)
            let theta = block.parameters.values.map { Variable($0) }
            let (_, g) = try valueWithGradient(at: x0) { x in try 0.5 * block.forward(x, parameters: theta).square().sum() }
            results.append((name, g))
        }
        let spec = try NeuralODESpec(dimension: 3, hidden: 8, relativeTolerance: 1e-12, absoluteTolerance: 1e-12)
        let block = try NeuralODEBlock(spec: spec, seed: 12)
        var difference = x0
        let e = 1e-6
        for i in 0..<x0.count {
            var plus = x0, minus = x0
            plus[flat: i] += e
            minus[flat: i] -= e
            difference[flat: i] = (0.5 * (try block(plus)).square().sum() - 0.5 * (try block(minus)).square().sum()) / (2 * e)
        }
        for (name, g) in results {
            let error = try (g - difference).maxNorm() / difference.maxNorm()
            print(String(format: "   %@ vs finite differences: relative error %.1e", name.padding(toLength: 27, withPad: " ", startingAt: 0), error))
            try check(error < 1e-6, "\(name) agrees with finite differences")
        }
    }

    /// The gradient highway: `‖∂ℓ/∂x₀‖` through 30 blocks with and without skips.
    func analyse() throws {
        print("\n4. Measure: the gradient at the input of a depth-30 network, with and without skips")
        let network = try ResidualNetwork(spec: ResidualNetworkSpec(dimension: 8, hidden: 16, depth: 30, stepSize: 1), seed: 7)
        let chain = try BlockChain(network)
        var generator = SeededGenerator(seed: 8)
        let x0 = try Tensor.randomNormal([16, 8], using: &generator)
        let flow = try GradientFlow.compareWithPlainTwin(chain, at: x0) { try $0.square().sum() }
        print(String(format: "   ‖∂ℓ/∂x₀‖: residual %.3g, plain twin %.3g (same weights)",
                     flow.residual.gradientNorms[0], flow.plain.gradientNorms[0]))
        try check(flow.residual.gradientNorms[0] > 1e6 * flow.plain.gradientNorms[0],
                  "the skip keeps the input gradient alive where the plain product of 30 Jacobians vanishes")
    }
}
