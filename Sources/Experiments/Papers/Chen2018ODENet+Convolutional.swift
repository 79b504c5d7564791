// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import TensorCore
import Training

extension Chen2018ODENet {
    /// The convolutional ODE-Net of Chen et al. §7.1 (`ConvolutionalODENet`: downsampling stem,
    /// ODE block `dx/dt = f(x, t)` with the field GN → ReLU → conv(x, t) → GN → ReLU → conv(x, t) → GN,
    /// read-out), trained on the 8×8 digits as `[N, 1, 8, 8]` images beside the MLP models:
    /// its test error and its forward and backward field evaluations (NFE) per training batch.
    public struct ConvolutionalSetting: Sendable, Equatable {
        /// Channels of the stem and field, and groups of every group norm.
        public var channels: Int, groups: Int
        /// `rtol = atol` of the dopri5 solve and the gradient method (Chen et al.: the adjoint).
        public var tolerance: Double
        public var gradientMethod: NeuralODEGradientMethod
        /// Epochs, Adam's initial learning rate (cosine-annealed to `η₀/100`), batch size, seed.
        public var epochs: Int
        public var learningRate: Double
        public var batchSize: Int
        public var seed: UInt64
        /// Training and test images (`nil`: all 1,437 / 360).
        public var trainingCount: Int?
        public var testCount: Int?
    }

    /// The trained conv ODE-Net.
    public struct ConvolutionalResult: Sendable, Equatable {
        public var setting: ConvolutionalSetting
        public var parameterCount: Int
        /// Test error after training (evaluated at the training tolerance).
        public var testError: Double
        /// Mean forward and backward NFE per training batch, per epoch.
        public var epochForwardEvaluations: [Double], epochBackwardEvaluations: [Double]
    }

    /// The conv ODE-Net of a profile: tiny (4 channels, 1 epoch, a subset) in quick, 32 channels on all images in full.
    public func convolutionalSetting(for profile: Profile) -> ConvolutionalSetting {
        switch profile {
        case .quick:
            return ConvolutionalSetting(channels: 4, groups: 2, tolerance: 1e-2, gradientMethod: .adjoint, epochs: 1,
                                        learningRate: 3e-3, batchSize: 32, seed: 1, trainingCount: 96, testCount: 64)
        case .full:
            return ConvolutionalSetting(channels: 32, groups: 8, tolerance: 1e-3, gradientMethod: .adjoint, epochs: 10,
                                        learningRate: 3e-3, batchSize: 32, seed: 1, trainingCount: nil, testCount: nil)
        }
    }

    /// Trains the conv ODE-Net of the setting.
    /// - Throws: training and solver errors; `ExperimentError.nonFinite` for a diverged run.
    public func measureConvolutional(_ s: ConvolutionalSetting,
                                     progress: @escaping @Sendable (String) -> Void) throws -> ConvolutionalResult {
        let data = try ConvolutionalRuns.digits(trainingCount: s.trainingCount, testCount: s.testCount)
        progress("training the conv ODE-Net (\(s.channels) channels, dopri5, \(s.gradientMethod.rawValue), "
                 + "rtol = atol = \(s.tolerance)), \(s.epochs) epoch(s)")
        let net = try ConvolutionalODENet(inputChannels: 1, height: 8, width: 8, classes: 10, channels: s.channels,
                                          groups: s.groups, solver: .dormandPrince54, gradientMethod: s.gradientMethod,
                                          relativeTolerance: s.tolerance, absoluteTolerance: s.tolerance, seed: s.seed)
        let counter = net.counter
        var trainer = try Trainer(optimizer: Adam(learningRate: s.learningRate), epochs: s.epochs, batchSize: s.batchSize,
                                  seed: s.seed + 100,
                                  schedule: .cosineAnnealing(initial: s.learningRate, floor: s.learningRate / 100,
                                                             period: Swift.max(s.epochs, 1)),
                                  evaluationBatchSize: 256, progress: .silent)
        var parameters = net.parameters
        counter.reset()
        let metrics = try trainer.train(&parameters, on: data.train.dataset.samples, heldOut: nil) { batch, theta in
            let logits = try net.forward(Variable(batch.inputs), parameters: theta)
            return LossEvaluation(loss: try Loss.softmaxCrossEntropy(logits: logits, labels: batch.labels), outputs: logits) {
                let counts = ["forward": Double(counter.forward), "backward": Double(counter.backward)]
                counter.reset()
                return counts
            }
        }
        guard let last = metrics.last, last.trainingLoss.isFinite else {
            throw ExperimentError.nonFinite(what: "the training loss of the conv ODE-Net")
        }
        let logits = try net.forward(Variable(data.test.dataset.inputs), parameters: parameters.values.map { Variable($0) })
        let testError = 1 - (try classificationAccuracy(logits.value, labels: data.test.dataset.labels))
        return ConvolutionalResult(setting: s, parameterCount: parameters.scalarCount, testError: testError,
                                   epochForwardEvaluations: metrics.map { $0.counters["forward"] ?? .nan },
                                   epochBackwardEvaluations: metrics.map { $0.counters["backward"] ?? .nan })
    }

    /// The conv ODE-Net's row: parameters, test error and NFE per batch in the last epoch.
    func convolutionalTable(_ r: ConvolutionalResult) -> ResultTable {
        let s = r.setting, f = { (x: Double) in NumberFormat.significant(x) }
        return ResultTable(
            caption: "Conv ODE-Net on the digits as 1×8×8 images: \(s.channels) channels, group norm (\(s.groups) groups), "
                + "dopri5 rtol = atol = \(s.tolerance), \(s.gradientMethod.rawValue) gradient, Adam η₀ = \(s.learningRate) cosine, "
                + "batch \(s.batchSize), \(s.epochs) epoch(s), \(s.trainingCount.map { "\($0)" } ?? "1437") training / "
                + "\(s.testCount.map { "\($0)" } ?? "360") test images, seed \(s.seed); NFE are means per training batch",
            columns: ["model", "parameters", "test error", "forward NFE (last epoch)", "backward NFE (last epoch)"],
            rows: [["conv ODE-Net", "\(r.parameterCount)", f(r.testError), f(r.epochForwardEvaluations.last ?? .nan),
                    f(r.epochBackwardEvaluations.last ?? .nan)]])
    }
}
