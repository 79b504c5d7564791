// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import NetworkLayers
import TensorCore
@testable import Training

/// A one-parameter list `θ = values`.
private func parameters(_ values: [Double]) throws -> ParameterList {
    try ParameterList(names: ["theta"], values: [Tensor(values)])
}

@Suite("Optimisers: update formulas, convergence, errors")
struct OptimizerTests {
    @Test("SGD on ½Σ aᵢ(θᵢ − cᵢ)² converges to the minimiser c (with and without momentum)")
    func sgdConvergesOnQuadratic() throws {
        let a = Tensor([1, 4]), c = Tensor([3, -2])
        for momentum in [0.0, 0.5] {
            var theta = try parameters([0, 0])
            var optimizer = try StochasticGradientDescent(learningRate: 0.2, momentum: momentum)
            for _ in 0..<300 {
                let (_, g) = try valueWithGradient(at: theta.values) { p in
                    try (Variable(a) * (p[0] - Variable(c)).square()).sum().scaled(by: 0.5)
                }
                try optimizer.update(&theta, gradients: g)
            }
            #expect(try (theta.values[0] - c).maxNorm() < 1e-12)
        }
    }

    @Test("heavy-ball momentum on gradients 2, 3 from θ = 1 (η 0.1, μ 0.9): θ = 0.8, then 0.32")
    func momentumTwoSteps() throws {
        var theta = try parameters([1])
        var optimizer = try StochasticGradientDescent(learningRate: 0.1, momentum: 0.9)
        try optimizer.update(&theta, gradients: [Tensor([2])])   // v = 2, θ = 1 − 0.2
        #expect(abs(theta.values[0][0] - 0.8) < 1e-15)
        try optimizer.update(&theta, gradients: [Tensor([3])])   // v = 0.9·2 + 3 = 4.8, θ = 0.8 − 0.48
        #expect(abs(theta.values[0][0] - 0.32) < 1e-15)
        #expect(abs(optimizer.velocities[0][0] - 4.8) < 1e-15)
    }

    @Test("Nesterov momentum on gradients 2, 3 from θ = 1 (η 0.1, μ 0.9): θ = 0.62, then −0.112")
    func nesterovTwoSteps() throws {
        var theta = try parameters([1])
        var optimizer = try StochasticGradientDescent(learningRate: 0.1, momentum: 0.9, nesterov: true)
        try optimizer.update(&theta, gradients: [Tensor([2])])   // v = 2, d = 2 + 0.9·2 = 3.8
        #expect(abs(theta.values[0][0] - 0.62) < 1e-15)
        try optimizer.update(&theta, gradients: [Tensor([3])])   // v = 4.8, d = 3 + 0.9·4.8 = 7.32
        #expect(abs(theta.values[0][0] - (-0.112)) < 1e-15)
    }

    @Test("Adam's first step is −η·sign(g) whatever the gradient's scale (bias correction)")
    func adamFirstStep() throws {
        let start = [1.0, -2.0, 3.0]
        var theta = try parameters(start)
        var optimizer = try Adam(learningRate: 0.01)
        try optimizer.update(&theta, gradients: [Tensor([0.5, -0.25, 200])])
        let expected = [start[0] - 0.01, start[1] + 0.01, start[2] - 0.01]
        for i in 0..<3 { #expect(abs(theta.values[0][i] - expected[i]) < 1e-9) }
        #expect(optimizer.stepCount == 1)
    }

    @Test("Adam's second step follows the bias-corrected moments (hand-computed)")
    func adamSecondStep() throws {
        var theta = try parameters([0])
        var optimizer = try Adam(learningRate: 0.1, beta1: 0.5, beta2: 0.75, epsilon: 1e-8)
        try optimizer.update(&theta, gradients: [Tensor([1])])
        try optimizer.update(&theta, gradients: [Tensor([3])])
        // m = 0.5·0.5 + 0.5·3 = 1.75, m̂ = 1.75/0.75 = 7/3;  v = 0.75·0.25 + 0.25·9 = 2.4375, v̂ = 2.4375/0.4375
        let mHat = 1.75 / 0.75, vHat = 2.4375 / 0.4375
        let expected = -0.1 * (1 / (1 + 1e-8)) - 0.1 * mHat / (vHat.squareRoot() + 1e-8)
        #expect(abs(theta.values[0][0] - expected) < 1e-14)
    }

    @Test("weight decay: L2 and decoupled agree for plain SGD, differ for Adam as documented")
    func weightDecay() throws {
        for decay in [WeightDecay.l2(0.1), .decoupled(0.1)] {
            var theta = try parameters([2])
            var sgd = try StochasticGradientDescent(learningRate: 0.5, weightDecay: decay)
            try sgd.update(&theta, gradients: [Tensor([1])])   // 2 − 0.5·(1 + 0.1·2) = 1.4
            #expect(abs(theta.values[0][0] - 1.4) < 1e-15)
        }
        var coupled = try parameters([2]), decoupled = try parameters([2])
        var adamL2 = try Adam(learningRate: 0.1, weightDecay: .l2(0.1))
        var adamW = try Adam(learningRate: 0.1, weightDecay: .decoupled(0.1))
        try adamL2.update(&coupled, gradients: [Tensor([1])])     // 2 − 0.1·sign(1 + 0.2)
        try adamW.update(&decoupled, gradients: [Tensor([1])])    // (1 − 0.01)·2 − 0.1·sign(1)
        #expect(abs(coupled.values[0][0] - 1.9) < 1e-8)
        #expect(abs(decoupled.values[0][0] - 1.88) < 1e-8)
    }

    @Test("updates write into the parameters' own storage (no copy) for SGD with momentum and for Adam")
    func updatesInPlace() throws {
        var optimizers: [any Optimizer] = [try StochasticGradientDescent(learningRate: 0.1, momentum: 0.9), try Adam()]
        for k in optimizers.indices {
            var theta = try parameters([1, 2, 3])
            let before = theta.values[0].withUnsafeMutableBufferPointer { UInt(bitPattern: $0.baseAddress) }
            try optimizers[k].update(&theta, gradients: [Tensor([1, 1, 1])])
            try optimizers[k].update(&theta, gradients: [Tensor([1, -1, 1])])
            let after = theta.values[0].withUnsafeMutableBufferPointer { UInt(bitPattern: $0.baseAddress) }
            #expect(before == after)
            #expect(theta.values[0] != Tensor([1, 2, 3]))
        }
    }

    @Test("wrong gradient count or shape, state built for other parameters, and bad hyperparameters are typed errors")
    func errors() throws {
        var theta = try parameters([1, 2])
        var optimizer = try StochasticGradientDescent(learningRate: 0.1, momentum: 0.9)
        #expect(throws: TrainingError.gradientCount(expected: 1, got: 2)) {
            try optimizer.update(&theta, gradients: [Tensor([1, 1]), Tensor([1])])
        }
        #expect(throws: TrainingError.gradientShape(parameter: "theta", expected: [2], got: [3])) {
            try optimizer.update(&theta, gradients: [Tensor([1, 1, 1])])
        }
        #expect(theta.values[0] == Tensor([1, 2]))  // nothing was updated
        try optimizer.update(&theta, gradients: [Tensor([1, 1])])
        var other = try parameters([1, 2, 3])
        #expect(throws: TrainingError.self) { try optimizer.update(&other, gradients: [Tensor([1, 1, 1])]) }
        optimizer.resetState()
        try optimizer.update(&other, gradients: [Tensor([1, 1, 1])])
        #expect(throws: TrainingError.self) { try StochasticGradientDescent(learningRate: -1) }
        #expect(throws: TrainingError.self) { try StochasticGradientDescent(learningRate: 0.1, momentum: 1) }
        #expect(throws: TrainingError.self) { try StochasticGradientDescent(learningRate: 0.1, nesterov: true) }
        #expect(throws: TrainingError.self) { try Adam(beta2: 1) }
        #expect(throws: TrainingError.self) { try Adam(epsilon: 0) }
        #expect(throws: TrainingError.self) { try Adam(weightDecay: .decoupled(-1)) }
    }
}
