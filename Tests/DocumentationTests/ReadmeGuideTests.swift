// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE
import Testing

/// The Swift code of README.md's usage guide, run as written
/// (`scripts/check-doc-snippets.py` checks that every README snippet is here verbatim).
@Suite("README: usage guide")
struct ReadmeGuideTests {
    /// The complete elliptic integral of the first kind, `K(k) = π / (2·AGM(1, √(1 − k²)))`
    /// (Abramowitz & Stegun 17.6), to the last bits.
    static func completeEllipticK(_ k: Double) -> Double {
        var (a, g) = (1.0, (1 - k * k).squareRoot())
        for _ in 0..<40 where abs(a - g) > 1e-16 * a { (a, g) = ((a + g) / 2, (a * g).squareRoot()) }
        return Double.pi / (2 * a)
    }

    @Test("the autodiff in five lines: the gradient and the forward-mode product match their closed forms")
    func autodiffCore() throws {
        // snippet: core
        var rng = SeededGenerator(seed: 1)
        let x = try Tensor.randomNormal([4, 3], using: &rng)
        let (value, grad) = try valueWithGradient(at: x) { x in try x.tanh().square().sum() }      // reverse mode
        let (_, jv) = try jacobianVectorProduct(at: [x], tangents: [x]) { try $0[0].tanh() }  // forward mode: J·v, v = x
        // end snippet
        let t = x.tanh()
        #expect(abs(value - t.square().sum()) < 1e-14)
        for i in 0..<x.count {
            let ti = t[flat: i]
            #expect(abs(grad[flat: i] - 2 * ti * (1 - ti * ti)) < 1e-14)   // d tanh²/dx = 2 tanh·(1 − tanh²)
            #expect(abs(jv[flat: i] - (1 - ti * ti) * x[flat: i]) < 1e-14)  // d tanh/dx · v
        }
    }

    @Test("the pendulum: events one exact period apart, dense output equal to a solve to t = 3, GSL rk8pd agreeing")
    func pendulum() throws {
        // snippet: pendulum
        // θ'' = −(g/L)·sin θ as a first-order system in x = [θ, ω]; a batch holds one state per row
        let pendulum = ClosureVectorField(dimension: 2) { x, _, _ in
            let theta = try x.slice(0..<1, alongAxis: 1), omega = try x.slice(1..<2, alongAxis: 1)
            return try Variable.concatenate([omega, try theta.sin() * -9.81], alongAxis: 1)   // g/L = 9.81 s⁻²
        }
        let upward = try ODEEvent(direction: .increasing) { _, x in x[0, 0] }   // θ crosses 0 upwards: once a period
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-9, absoluteTolerance: 1e-9)
        let swing = try solver.solve(pendulum, initialState: try Tensor([[2.0, 0]]), from: 0, to: 10,
                                     saving: .times([5, 10]), events: [upward], keepingDenseOutput: true)
        let period = swing.events[1].time - swing.events[0].time   // 2.6658 s = 4·K(sin 1)/√9.81, the exact period
        let theta3 = try swing.interpolant!.value(at: 3)[0, 0]      // θ(3) from the dense output, no new evaluation
        // snippet: pendulum-gsl
        let rk8pd = GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-9, absoluteTolerance: 1e-9)
        let atThree = try rk8pd.solve(pendulum, initialState: try Tensor([[2.0, 0]]), from: 0, to: 3)
        print(atThree.states.last![0, 0] - theta3, atThree.statistics)   // ≈ 1e-9: GSL's Prince–Dormand 8(9) agrees
        // end snippet
        let exact = 4 * Self.completeEllipticK(sin(1.0)) / 9.81.squareRoot()
        #expect(abs(period - exact) < 1e-7, "period \(period), exact \(exact)")
        #expect(abs(period - 2.6658) < 1e-4)
        // From θ = 2 at rest, θ crosses 0 upwards at 3T/4 + kT: k = 0…3 lie in [0, 10] (3.75·T = 9.997).
        #expect(swing.events.count == 4, "upward crossings in [0, 10] for a period of \(exact)")
        #expect(abs(swing.events[0].time - 0.75 * exact) < 1e-7)
        #expect(swing.times == [5, 10])
        #expect(abs(atThree.states.last![0, 0] - theta3) < 1e-7)
    }

    @Test("a ResNet classifier reaches ≥ 95 % held-out accuracy on two moons with the README's settings")
    func trainResNet() throws {
        // snippet: train
        let moons = try Dataset.twoMoons(count: 400, noise: 0.1, seed: 1).split(testFraction: 0.25, seed: 2)
        let spec = try ResidualNetworkSpec(kind: .resnet, dimension: 4, hidden: 16, depth: 8, scheme: .euler)  // h = 1/8
        let body = try ResidualNetwork(spec: spec, seed: 3)
        var classifier = try Classifier(inputWidth: 2, stateWidth: 4, outputs: 2, embedding: .zeroPadding,
                                        body: body, seed: 4)        // readout ∘ body ∘ [x, 0, 0]
        var trainer = Trainer(optimizer: try Adam(learningRate: 0.01), epochs: 40, batchSize: 32, seed: 5,
                              progress: .silent)
        let history = try trainClassifier(&classifier, on: moons.train, heldOut: moons.test, trainer: &trainer)
        print(history.last!.heldOutAccuracy!)                       // 1.0
        // end snippet
        #expect(history.count == 40)
        #expect(history.last!.heldOutAccuracy! >= 0.95)
        #expect(history.last!.trainingLoss < history.first!.trainingLoss)
    }

    @Test("the adjoint gradient of a neural ODE equals backprop through the solver and central differences")
    func adjointGradient() throws {
        // snippet: adjoint
        let spec = try NeuralODESpec(dimension: 2, hidden: 16, endTime: 1, solver: .dormandPrince54,
                                     relativeTolerance: 1e-8, absoluteTolerance: 1e-10)
        let node = try NeuralODEBlock(spec: spec, gradientMethod: .adjoint, seed: 7)   // or .backprop, .checkpointed
        let x0 = try Tensor([[1.0, 0.5], [-0.3, 0.8]])
        let (loss, gradients) = try valueWithGradient(at: [x0] + node.parameters.values) { v in
            try 0.5 * node.forward(v[0], parameters: Array(v.dropFirst())).square().sum()   // ℓ = ½‖x(1)‖²
        }
        // gradients[0] = ∂ℓ/∂x₀; gradients[1...] = ∂ℓ/∂θ in the order of node.parameters.names (f.linear1.weight, …)
        // end snippet
        let backprop = try NeuralODEBlock(spec: spec, gradientMethod: .backprop, seed: 7)
        let (backpropLoss, reference) = try valueWithGradient(at: [x0] + backprop.parameters.values) { v in
            try 0.5 * backprop.forward(v[0], parameters: Array(v.dropFirst())).square().sum()
        }
        #expect(abs(loss - backpropLoss) < 1e-12)
        #expect(gradients.count == 5)
        #expect(node.parameters.names == ["f.linear1.weight", "f.linear1.bias", "f.linear2.weight", "f.linear2.bias"])
        for (g, r) in zip(gradients, reference) { #expect(try g.relativeDifference(to: r) < 1e-6) }
        // Central differences in one weight and one input element, the flow solved at 1e-12.
        let tight = try NeuralODEBlock(spec: try NeuralODESpec(dimension: 2, hidden: 16, relativeTolerance: 1e-12,
                                                               absoluteTolerance: 1e-12), seed: 7)
        func tightLoss(_ x: Tensor, _ w: [Tensor]) throws -> Double {
            try 0.5 * tight.forward(Variable(x), parameters: w.map { Variable($0) }).value.square().sum()
        }
        let e = 1e-6
        var plus = tight.parameters.values, minus = plus
        plus[2][flat: 5] += e
        minus[2][flat: 5] -= e
        let weightDifference = (try tightLoss(x0, plus) - tightLoss(x0, minus)) / (2 * e)
        #expect(abs(gradients[3][flat: 5] - weightDifference) < 1e-6 * max(1, abs(weightDifference)))
        var xPlus = x0, xMinus = x0
        xPlus[flat: 1] += e
        xMinus[flat: 1] -= e
        let inputDifference = (try tightLoss(xPlus, tight.parameters.values) - tightLoss(xMinus, tight.parameters.values)) / (2 * e)
        #expect(abs(gradients[0][flat: 1] - inputDifference) < 1e-6 * max(1, abs(inputDifference)))
    }
}
