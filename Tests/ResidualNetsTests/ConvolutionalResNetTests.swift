// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import NetworkLayers
import TensorCore
import TestSupport
import Training
@testable import ResidualNets

@Suite("Convolutional ResNets and residual blocks")
struct ConvolutionalResNetTests {
    /// He et al. 2016, Table 6: parameters of the CIFAR ResNets (option A shortcuts).
    @Test("ResNet-20/32/44/56/110 have the parameter counts of He et al. 2016, Table 6 (within 2%)",
          arguments: [(20, 0.27e6), (32, 0.46e6), (44, 0.66e6), (56, 0.85e6), (110, 1.7e6)])
    func parameterCountsMatchThePaper(_ depth: Int, _ reported: Double) throws {
        var spec = try ConvolutionalResNetSpec.cifar(depth: depth)
        spec.shortcut = .zeroPadding
        let network = try ConvolutionalResNet(spec: spec, seed: 1)
        #expect(spec.depth == depth)
        let count = Double(network.parameters.scalarCount)
        #expect(Swift.abs(count - reported) / reported <= 0.02, "ResNet-\(depth): \(count)")
    }

    static let tinySpecs: [ConvolutionalResNetSpec] = [
        try! ConvolutionalResNetSpec(inputChannels: 2, height: 4, width: 4, classes: 3, blocksPerStage: 1, widths: [2, 3], stepSize: 0.5),
        try! ConvolutionalResNetSpec(inputChannels: 1, height: 4, width: 4, classes: 2, blocksPerStage: 1, widths: [2, 4],
                                     shortcut: .zeroPadding),
        try! ConvolutionalResNetSpec(inputChannels: 1, height: 4, width: 4, classes: 2, blocksPerStage: 1, widths: [2, 3], isResidual: false),
        try! ConvolutionalResNetSpec(inputChannels: 1, height: 4, width: 4, classes: 2, blocksPerStage: 1, widths: [2, 3], preactivation: true),
    ]

    @Test("the gradient of a whole network (batch norm in training mode) matches central differences", arguments: tinySpecs)
    func networkGradientMatchesFiniteDifferences(_ spec: ConvolutionalResNetSpec) throws {
        let network = try ConvolutionalResNet(spec: spec, seed: 3)
        var rng = SeededGenerator(seed: 4)
        let x = try Tensor.randomNormal([3, spec.inputChannels, spec.height, spec.width], using: &rng)
        let w = try Tensor.randomNormal([3, spec.classes], using: &rng)
        let loss: ([Variable]) throws -> Variable = { v in
            try (network.forward(v[0], parameters: Array(v.dropFirst()), mode: .training) * Variable(w)).sum()
        }
        let inputs = [x] + network.parameters.values
        let (_, gradients) = try valueWithGradient(at: inputs, in: loss)
        let reference = try FiniteDifferences.gradients(at: inputs) { try loss($0.map { Variable($0) }).value.scalars[0] }
        for (k, (g, r)) in zip(gradients, reference).enumerated() {
            let error = try (g - r).maxNorm() / Swift.max(r.maxNorm(), 1e-3)
            #expect(error <= 1e-6, "\(k == 0 ? "input" : network.parameters.names[k - 1]): \(error)")
        }
    }

    @Test("a training-mode pass folds the batch statistics into the running averages as PyTorch does")
    func trainingModeUpdatesRunningStatistics() throws {
        let spec = Self.tinySpecs[0]
        let network = try ConvolutionalResNet(spec: spec, seed: 5)
        var rng = SeededGenerator(seed: 6)
        let x = try Tensor.randomNormal([4, 2, 4, 4], using: &rng)
        let before = try network(x)
        _ = try network.forward(Variable(x), parameters: network.parameters.values.map { Variable($0) }, mode: .training)
        // bn1 normalises the stem convolution's output.
        let stem = try Variable.convolution2D(Variable(x), weight: Variable(network.parameters["conv1.weight"]!), padding: ImageSize(1)).value
        let mean = try stem.mean(alongAxes: [0, 2, 3])
        let variance = try (stem - mean.reshaped(to: [1, 2, 1, 1])).square().sum(alongAxes: [0, 2, 3]) / Double(4 * 16 - 1)
        let buffers = Dictionary(uniqueKeysWithValues: network.buffers.map { ($0.name, $0.value) })
        #expect(try (buffers["bn1.running_mean"]! - mean * 0.1).maxNorm() <= 1e-14)
        #expect(try (buffers["bn1.running_var"]! - (variance * 0.1 + 0.9)).maxNorm() <= 1e-14)
        #expect(try network(x) != before)  // evaluation mode now uses the new statistics
    }

    @Test("a residual block with F ≡ 0 is the identity; the plain twin has no shortcut; shapes must agree")
    func residualBlockStructure() throws {
        let zero = FunctionLayer("zero") { x, _ in try x * 0 }
        let block = try ResidualBlock(zero, stepSize: 0.3)
        let x = try Tensor(shape: [1, 1, 2, 2], scalars: [1, -2, 3, -4])
        #expect(try block(x) == x)
        #expect(try ResidualBlock(zero, outputActivation: .relu)(x) == x.relu())
        #expect(throws: TensorError.self) { try ResidualBlock(zero, shortcut: zero, isResidual: false) }
        let halve = FunctionLayer("halve") { x, _ in try x.averagePool2D(kernel: ImageSize(2)) }
        #expect(throws: TensorError.self) { try ResidualBlock(halve)(x) }
        let padded = try ResidualBlock.zeroPaddingShortcut(outputChannels: 3, stride: ImageSize(2))(x)
        #expect(padded == (try Tensor(shape: [1, 3, 1, 1], scalars: [0, 1, 0])))
    }

    @Test("a spec with a step size h that is not finite and positive is refused, naming the field",
          arguments: [0.0, -0.5, Double.nan, Double.infinity])
    func badStepSizeIsRefused(h: Double) {
        #expect {
            try ConvolutionalResNetSpec(inputChannels: 1, height: 4, width: 4, classes: 2, blocksPerStage: 1,
                                        widths: [2, 3], stepSize: h)
        } throws: { error in
            guard case let NetworkError.invalidField(name, _) = error else { return false }
            return name == "h"
        }
    }

    @Test("weights are read back by name; a missing key is named")
    func weightsRoundTrip() throws {
        let spec = Self.tinySpecs[0]
        let network = try ConvolutionalResNet(spec: spec, seed: 7)
        var weights = Dictionary(uniqueKeysWithValues: zip(try network.weights.names, try network.weights.values).map { ($0, $1) })
        let copy = try ConvolutionalResNet(spec: spec, weights: weights)
        var rng = SeededGenerator(seed: 8)
        let x = try Tensor.randomNormal([2, 32], using: &rng)
        #expect(try copy(x) == network(x))
        weights["layer2.0.shortcut.1.running_mean"] = nil
        #expect(throws: NetworkError.missingParameter(name: "layer2.0.shortcut.1.running_mean")) {
            try ConvolutionalResNet(spec: spec, weights: weights)
        }
    }

    @Test("training a ResNet-8 for two epochs on the digits images reaches 90% held-out accuracy")
    func trainsOnDigits() throws {
        let (train, test) = try ImageDataset.digits().split(testFraction: 0.25, seed: 2)
        var network = try ConvolutionalResNet(spec: ConvolutionalResNetSpec(inputChannels: 1, height: 8, width: 8, classes: 10,
                                                                           blocksPerStage: 1, widths: [8, 16, 32]), seed: 1)
        var trainer = try Trainer(optimizer: Adam(learningRate: 0.01), epochs: 2, batchSize: 64, seed: 1, progress: .silent)
        let metrics = try network.train(on: train, heldOut: test, trainer: &trainer)
        #expect((metrics.last?.heldOutAccuracy ?? 0) >= 0.9, "\(metrics.map { $0.heldOutAccuracy ?? 0 })")
    }
}
