// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
import TestSupport
import Training
@testable import ContinuousDepth

@Suite("The convolutional ODE-Net of Chen et al. 2018")
struct ConvolutionalODENetTests {
    @Test("the conv field's JVP and VJP are adjoint and its gradient matches central differences")
    func fieldDerivatives() throws {
        let field = try ConvolutionalVectorField(channels: 2, height: 3, width: 3, seed: 1)
        var rng = SeededGenerator(seed: 2)
        let x = try Tensor.randomNormal([2, 18], using: &rng)
        let w = try Tensor.randomNormal([2, 18], using: &rng)
        let inputs = [x] + field.parameters.values
        let loss: ([Variable]) throws -> Variable = { v in try (field(v[0], time: 0.3, parameters: Array(v.dropFirst())) * Variable(w)).sum() }
        let (_, gradients) = try valueWithGradient(at: inputs, in: loss)
        let reference = try FiniteDifferences.gradients(at: inputs) { try loss($0.map { Variable($0) }).value.scalars[0] }
        for (k, (g, r)) in zip(gradients, reference).enumerated() {
            // The convolution biases are removed by the group norm after them (one channel per group):
            // their gradient is exactly 0, which the differences see as rounding noise of ~1e-9.
            #expect(try (g - r).maxNorm() <= 1e-6 * r.maxNorm() + 1e-8, "\(k == 0 ? "x" : field.parameters.names[k - 1]): \(g) vs \(r)")
        }
        let vs = try inputs.map { try Tensor.randomNormal($0.shape, using: &rng) }
        let apply: ([Variable]) throws -> Variable = { v in try field(v[0], time: 0.3, parameters: Array(v.dropFirst())) }
        let (y, jv) = try jacobianVectorProduct(at: inputs, tangents: vs, of: apply)
        let u = try Tensor.randomNormal(y.shape, using: &rng)
        let (_, jtu) = try vectorJacobianProduct(at: inputs, cotangent: u, of: apply)
        let lhs = try u.dot(jv), rhs = try zip(jtu, vs).reduce(0.0) { $0 + (try $1.0.dot($1.1)) }
        #expect(Swift.abs(lhs - rhs) <= 1e-10 * Swift.abs(lhs))
    }

    @Test("backprop through rk4 steps gives the network's gradient to central-difference accuracy")
    func backpropGradientMatchesFiniteDifferences() throws {
        // 8×8 images give a 2×2 state, so that every group norm sees more than one value.
        let net = try ConvolutionalODENet(inputChannels: 1, height: 8, width: 8, classes: 3, channels: 2,
                                          solver: .rungeKutta4Fixed, steps: 2, seed: 3)
        var rng = SeededGenerator(seed: 4)
        let x = try Tensor.randomNormal([2, 1, 8, 8], using: &rng)
        let w = try Tensor.randomNormal([2, 3], using: &rng)
        let inputs = [x] + net.parameters.values
        let loss: ([Variable]) throws -> Variable = { v in try (net.forward(v[0], parameters: Array(v.dropFirst())) * Variable(w)).sum() }
        let (_, gradients) = try valueWithGradient(at: inputs, in: loss)
        let reference = try FiniteDifferences.gradients(at: inputs) { try loss($0.map { Variable($0) }).value.scalars[0] }
        for (k, (g, r)) in zip(gradients, reference).enumerated() {
            let error = try (g - r).maxNorm() / (r.maxNorm() + 1e-2)  // exact zeros (biases before a norm) see only noise
            #expect(error <= 1e-6, "\(k == 0 ? "input" : net.parameters.names[k - 1]): \(error)")
        }
    }

    /// The two adjoints integrate the same backward ODE differently (continuous vs from checkpoints) and agree
    /// closely. Backprop through dopri5 or through GSL rkck's replayed steps differentiates the discrete
    /// solution with the step sizes held fixed, while the adaptive steps move with the inputs; on this small
    /// ReLU field with near-degenerate group norms (4 values per group; one evaluation's derivative is ~100)
    /// that difference is 0.1–1 %, which this test bounds. (Frozen-grid gradients match central
    /// differences to 1e-8 on fixed steps, `backpropGradientMatchesFiniteDifferences`; at rtol 1e-3 the
    /// step-size sensitivity alone moves a directional derivative by 8 %, measured.)
    @Test("the continuous adjoint agrees with the checkpointed adjoint to 1e-3, and with backprop through dopri5 and GSL rkck to 2%")
    func adjointsAgree() throws {
        func gradient(_ m: NeuralODEGradientMethod, _ solver: NeuralODESolverChoice = .dormandPrince54) throws -> [Tensor] {
            let net = try ConvolutionalODENet(inputChannels: 1, height: 16, width: 16, classes: 3, channels: 2, solver: solver,
                                              gradientMethod: m, relativeTolerance: 1e-8, absoluteTolerance: 1e-8, seed: 5)
            var rng = SeededGenerator(seed: 6)
            let x = try Tensor.randomNormal([2, 256], using: &rng)
            return try valueWithGradient(at: [x] + net.parameters.values) { v in
                try net.forward(v[0], parameters: Array(v.dropFirst())).square().sum()
            }.gradients
        }
        let (backprop, adjoint, checkpointed) = (try gradient(.backprop), try gradient(.adjoint), try gradient(.checkpointed))
        let gslBackprop = try gradient(.backprop, .gsl(.rkck))
        for k in backprop.indices where backprop[k].maxNorm() > 1e-12 {  // the biases before a norm have gradient 0
            #expect(try adjoint[k].relativeDifference(to: checkpointed[k]) <= 1e-3, "\(k)")
            #expect(try adjoint[k].relativeDifference(to: backprop[k]) <= 2e-2, "\(k)")
            #expect(try adjoint[k].relativeDifference(to: gslBackprop[k]) <= 2e-2, "GSL rkck backprop \(k)")
        }
    }
}

@Suite("The convolutional ODE-Net trains on the digits images")
struct ConvolutionalODENetTrainingTests {
    @Test("six epochs of rk4 (2 steps) with backprop reach 70% held-out accuracy on the 8×8 digits (79.5% measured)")
    func trainsOnDigits() throws {
        let (train, test) = try ImageDataset.digits().split(testFraction: 0.25, seed: 2)
        // Two channels per group, as Chen et al.'s 64 channels in 32 groups: with one channel per group the
        // head's norm and average pooling would leave almost nothing of a 2×2 state.
        let net = try ConvolutionalODENet(inputChannels: 1, height: 8, width: 8, classes: 10, channels: 8, groups: 4,
                                          solver: .rungeKutta4Fixed, steps: 2, seed: 1)
        var parameters = net.parameters
        var trainer = try Trainer(optimizer: Adam(learningRate: 0.01), epochs: 6, batchSize: 64, seed: 1, progress: .silent)
        let metrics = try trainer.train(&parameters, on: train.dataset.samples, heldOut: test.dataset.samples) { batch, theta in
            let logits = try net.forward(Variable(batch.inputs), parameters: theta)
            return LossEvaluation(loss: try Loss.softmaxCrossEntropy(logits: logits, labels: batch.labels), outputs: logits)
        }
        #expect((metrics.last?.heldOutAccuracy ?? 0) >= 0.7, "\(metrics.map { $0.heldOutAccuracy ?? 0 })")
    }
}
