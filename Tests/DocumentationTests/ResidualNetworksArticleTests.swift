// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE
import Testing

/// The code of the article "Residual networks as Euler steps", run as written
/// (`scripts/check-doc-snippets.py` checks that every snippet there is here verbatim).
@Suite("Article: Residual networks as Euler steps")
struct ResidualNetworksArticleTests {
    @Test("a tied Euler ResNet with h = T/L is L Euler steps of its field and converges to the ODE flow with order 1")
    func eulerStepsAndConvergence() throws {
        // snippet: build
        let field = try MLPField(dimension: 3, hidden: 12)
        var generator = SeededGenerator(seed: 31)
        let weights = try field.initialParameters(using: &generator)
        let named = Dictionary(uniqueKeysWithValues: zip(field.parameterNames(prefix: "f."), weights))
        let x0 = try Tensor.randomNormal([6, 3], using: &generator)

        func resnet(depth: Int) throws -> ResidualNetwork {
            let spec = try ResidualNetworkSpec(dimension: 3, hidden: 12, depth: depth,
                                               stepSize: 1.0 / Double(depth), scheme: .euler, tied: true)
            return try ResidualNetwork(spec: spec, weights: named)
        }
        // snippet: euler
        let eulerSpec = try NeuralODESpec(dimension: 3, hidden: 12, endTime: 1, solver: .euler, steps: 10)
        let eulerODE = try NeuralODEBlock(spec: eulerSpec, weights: named)
        let gap = try (resnet(depth: 10)(x0) - eulerODE(x0)).maxNorm()   // ≈ 1e-16: the same arithmetic
        // snippet: flow
        let flowSolver = try GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-12, absoluteTolerance: 1e-12)
        let flow = try flowSolver.solve(NeuralVectorField(field: field, weights: weights), initialState: x0,
                                        from: 0, to: 1).states.last!
        for depth in [16, 32, 64, 128] {
            let error = try (resnet(depth: depth)(x0) - flow).maxNorm()
            print("L = \(depth): max |x_L − x(1)| = \(error)")   // halves with each doubling of L
        }
        // end snippet
        #expect(gap < 1e-13)
        let errors = try [16, 32, 64, 128].map { try (resnet(depth: $0)(x0) - flow).maxNorm() }
        let slope = log(errors[0] / errors[3]) / log(8.0)
        #expect(abs(slope - 1) < 0.1, "Euler ResNet → ODE flow: observed order \(slope)")
    }

    @Test("a residual classifier trains on two moons with the article's settings")
    func trainMoons() throws {
        // snippet: train
        let data = try Dataset.twoMoons(count: 400, noise: 0.1, seed: 1).split(testFraction: 0.25, seed: 2)
        let spec = try ResidualNetworkSpec(kind: .resnet, dimension: 4, hidden: 16, depth: 8)
        let body = try ResidualNetwork(spec: spec, seed: 3)
        var classifier = try Classifier(inputWidth: 2, stateWidth: 4, outputs: 2, embedding: .zeroPadding,
                                        body: body, seed: 4)
        var trainer = Trainer(optimizer: try Adam(learningRate: 0.01), epochs: 40, batchSize: 32, seed: 5,
                              progress: .silent)
        let metrics = try trainClassifier(&classifier, on: data.train, heldOut: data.test, trainer: &trainer)
        print("held-out accuracy:", metrics.last!.heldOutAccuracy!)
        // end snippet
        #expect(metrics.last!.heldOutAccuracy! >= 0.95)
    }
}
