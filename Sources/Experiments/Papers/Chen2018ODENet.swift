// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import ResidualNets
import NetworkLayers
import TensorCore
import Training

/// ODE-Nets: replace a stack of residual blocks `x_{l+1} = x_l + F_l(x_l)` by the flow of one
/// vector field, `x(1) = x(0) + ∫₀¹ f(x(t), t; θ) dt`, solved adaptively (dopri5) and
/// differentiated by the adjoint `a′ = −aᵀ∂f/∂x`, `a_θ′ = −aᵀ∂f/∂θ` integrated backwards. The
/// claims of Table 1 and Fig. 3: similar test error to a ResNet with fewer parameters (one tied
/// field instead of `L` blocks) and O(1) memory in depth; the number of function evaluations
/// (NFE) grows as the tolerance tightens (the paper's adjoint costing about half the forward NFE)
/// and grows during training.
///
/// Measured on digits with three bodies behind the same linear embedding (64 → d) and readout
/// (d → 10): a ResNet of `L` untied Euler blocks (`h = 1`), an RK-Net (one tied field, fixed
/// RK4 steps on [0, 1], backprop through the steps) and an ODE-Net (`NeuralODEBlock`, dopri5,
/// adjoint gradient). The forward and backward NFE come from the block's `EvaluationCounter`.
///
/// Reference: Chen, Rubanova, Bettencourt & Duvenaud, "Neural ordinary differential equations",
/// NeurIPS 2018, §3, Table 1, Fig. 3; Papers/chen2018-odenet.
public struct Chen2018ODENet: Paper {
    /// What one profile measures.
    public struct Settings: Sendable, Equatable {
        /// The state width `d` and the hidden width `m` of every field.
        public var width: Int, hidden: Int
        /// The number of untied Euler blocks of the ResNet.
        public var resnetDepth: Int
        /// Fixed RK4 steps of the RK-Net on [0, 1].
        public var rungeKuttaSteps: Int
        /// `rtol = atol` of the ODE-Net during training.
        public var trainingTolerance: Double
        /// The tolerances `rtol = atol` at which the trained ODE-Net's NFE is measured.
        public var tolerances: [Double]
        /// Training of all three models: epochs, Adam's initial learning rate (cosine-annealed), batch size, seed.
        public var epochs: Int
        public var learningRate: Double
        public var batchSize: Int
        public var seed: UInt64
        /// Test samples in the batch on which the NFE-against-tolerance sweep is measured.
        public var sweepBatch: Int
    }

    /// One trained model.
    public struct ModelResult: Sendable, Equatable {
        /// `ResNet`, `RK-Net` or `ODE-Net`.
        public var name: String
        /// Scalar parameters of the whole classifier, and its test error after training.
        public var parameterCount: Int
        public var testError: Double
        /// Field evaluations whose activations the backward pass keeps: `L` (ResNet),
        /// `4·steps` (RK-Net), 0 (ODE-Net with the adjoint: only x(0) and x(1) are kept).
        public var keptEvaluations: Int
        /// `keptEvaluations · (2m + 3d) + 2d`: activation scalars per sample kept for the backward pass,
        /// counted from the graph (each evaluation records m + m + d values and the step adds 2d; the
        /// endpoints add 2d). A count, not a heap measurement.
        public var keptScalarsPerSample: Int
        /// Forward and backward field evaluations per training batch: fixed for the discrete nets
        /// (`L` or `4·steps` each way), the mean over the last epoch's batches for the ODE-Net.
        public var forwardEvaluations: Double, backwardEvaluations: Double
        /// Wall time of training, in seconds.
        public var trainingSeconds: Double
    }

    /// The trained ODE-Net at one tolerance.
    public struct ToleranceResult: Sendable, Equatable {
        /// `rtol = atol` of both solves.
        public var tolerance: Double
        /// NFE of one forward solve of the sweep batch, and of the adjoint backward solve of its loss.
        public var forwardEvaluations: Int, backwardEvaluations: Int
        /// `max |x(1) − x_ref(1)|` over the batch, against a solve at `rtol = atol = 1e-10`.
        public var stateError: Double
        /// Test error of the classifier with this tolerance.
        public var testError: Double
    }

    /// Everything measured.
    public struct Measurement: Sendable, Equatable {
        /// The settings measured, and the three trained models (ResNet, RK-Net, ODE-Net).
        public var settings: Settings
        public var models: [ModelResult]
        /// Mean forward and backward NFE per batch of the ODE-Net, per training epoch.
        public var epochForwardEvaluations: [Double], epochBackwardEvaluations: [Double]
        /// The trained ODE-Net at each tolerance of the settings.
        public var tolerances: [ToleranceResult]

        /// The model with a name.
        public func model(_ name: String) -> ModelResult? { models.first { $0.name == name } }
    }

    /// The three test errors must lie within this many points (fraction of test samples) of each other.
    public static let errorSpreadThreshold = 0.03
    /// NFE growth during training: the last epoch's forward NFE must exceed the first's by this factor.
    public static let trainingGrowthThreshold = 1.1

    /// The folder and command-line key.
    public let id = "chen2018-odenet"
    /// A short title.
    public let title = "ODE-Nets: ResNet accuracy with fewer parameters, O(1) memory and adaptive cost"
    /// The claim, with the ODE and its adjoint.
    public let claim = "An ODE-Net x(1) = x(0) + ∫₀¹ f(x, t; θ) dt, solved adaptively and trained with the adjoint "
        + "a′ = −aᵀ∂f/∂x, matches a ResNet's test error with fewer parameters (one tied f instead of L blocks) and O(1) memory "
        + "in depth; its number of function evaluations grows as the tolerance tightens and during training."
    /// The source and its table and figure.
    public let source = "Chen, Rubanova, Bettencourt & Duvenaud, \"Neural ordinary differential equations\", NeurIPS 2018, "
        + "§3, Table 1, Fig. 3"

    /// The reproduction with the settings of `settings(for:)`.
    public init() {}

    /// The settings of a profile.
    public func settings(for profile: Profile) -> Settings {
        switch profile {
        case .quick:
            return Settings(width: 16, hidden: 32, resnetDepth: 6, rungeKuttaSteps: 2, trainingTolerance: 1e-3,
                            tolerances: [1e-2, 1e-3, 1e-4, 1e-5, 1e-6], epochs: 15, learningRate: 3e-3, batchSize: 64,
                            seed: 1, sweepBatch: 64)
        case .full:
            return Settings(width: 32, hidden: 64, resnetDepth: 6, rungeKuttaSteps: 4, trainingTolerance: 1e-3,
                            tolerances: [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7], epochs: 40, learningRate: 3e-3, batchSize: 64,
                            seed: 1, sweepBatch: 256)
        }
    }

    /// Trains the three models and sweeps the ODE-Net's tolerance.
    /// - Throws: training and solver errors; `ExperimentError.nonFinite` for a non-finite result.
    public func measure(_ s: Settings, progress: @escaping @Sendable (String) -> Void) throws -> Measurement {
        let data = try ClassifierRuns.digits()
        let (inputs, classes) = (data.train.featureCount, data.train.classCount)
        let kept = { (evaluations: Int) in evaluations * (2 * s.hidden + 3 * s.width) + 2 * s.width }
        var models: [ModelResult] = []

        for (name, spec) in [("ResNet", try ResidualNetworkSpec(dimension: s.width, hidden: s.hidden, depth: s.resnetDepth,
                                                                  stepSize: 1)),
                             ("RK-Net", try ResidualNetworkSpec(dimension: s.width, hidden: s.hidden, depth: s.rungeKuttaSteps,
                                                                  scheme: .rk4, tied: true))] {
            progress("training the \(name), \(s.epochs) epochs")
            let clock = Stopwatch()
            var classifier = try Classifier(inputWidth: inputs, stateWidth: s.width, outputs: classes, embedding: .linear,
                                            body: try ResidualNetwork(spec: spec, seed: s.seed), seed: s.seed)
            let outcome = try ClassifierRuns.train(&classifier, on: data, epochs: s.epochs, learningRate: s.learningRate,
                                                   batchSize: s.batchSize, seed: s.seed + 100)
            let evaluations = spec.depth * (spec.scheme == .rk4 ? 4 : 1)
            models.append(ModelResult(name: name, parameterCount: classifier.parameters.scalarCount,
                                      testError: outcome.testError, keptEvaluations: evaluations,
                                      keptScalarsPerSample: kept(evaluations), forwardEvaluations: Double(evaluations),
                                      backwardEvaluations: Double(evaluations), trainingSeconds: clock.seconds))
        }

        progress("training the ODE-Net (dopri5, adjoint, rtol = atol = \(s.trainingTolerance)), \(s.epochs) epochs")
        let clock = Stopwatch()
        let odeSpec = try NeuralODESpec(dimension: s.width, hidden: s.hidden, solver: .dormandPrince54,
                                        relativeTolerance: s.trainingTolerance, absoluteTolerance: s.trainingTolerance)
        let block = try NeuralODEBlock(spec: odeSpec, gradientMethod: .adjoint, seed: s.seed)
        var classifier = try Classifier(inputWidth: inputs, stateWidth: s.width, outputs: classes, embedding: .linear,
                                        body: block, seed: s.seed)
        let counter = block.counter
        counter.reset()
        let outcome = try ClassifierRuns.train(&classifier, on: data, epochs: s.epochs, learningRate: s.learningRate,
                                               batchSize: s.batchSize, seed: s.seed + 100) {
            let counts = ["forward": Double(counter.forward), "backward": Double(counter.backward)]
            counter.reset()
            return counts
        }
        let epochForward = outcome.metrics.map { $0.counters["forward"] ?? .nan }
        let epochBackward = outcome.metrics.map { $0.counters["backward"] ?? .nan }
        models.append(ModelResult(name: "ODE-Net", parameterCount: classifier.parameters.scalarCount,
                                  testError: outcome.testError, keptEvaluations: 0, keptScalarsPerSample: kept(0),
                                  forwardEvaluations: epochForward.last ?? .nan, backwardEvaluations: epochBackward.last ?? .nan,
                                  trainingSeconds: clock.seconds))

        progress("NFE against tolerance (\(s.tolerances.map { NumberFormat.scientific($0, digits: 1) }.joined(separator: ", ")))")
        let tolerances = try toleranceSweep(of: classifier, settings: s, on: data.test)
        let measurement = Measurement(settings: s, models: models, epochForwardEvaluations: epochForward,
                                      epochBackwardEvaluations: epochBackward, tolerances: tolerances)
        let numbers = models.map(\.testError) + epochForward + epochBackward + tolerances.map(\.stateError)
        guard numbers.allSatisfy(\.isFinite) else { throw ExperimentError.nonFinite(what: "a test error or an NFE count") }
        return measurement
    }

    /// The trained ODE-Net re-solved at each tolerance: forward and backward NFE on one batch,
    /// the error of x(1) against a tight reference, and the test error.
    func toleranceSweep(of trained: Classifier<NeuralODEBlock>, settings s: Settings, on test: Dataset) throws -> [ToleranceResult] {
        let trainedBody = try trained.body
        let weights = Dictionary(uniqueKeysWithValues: zip(trainedBody.parameters.names, trainedBody.parameters.values))
        func classifier(tolerance: Double) throws -> Classifier<NeuralODEBlock> {
            let spec = try NeuralODESpec(dimension: s.width, hidden: s.hidden, solver: .dormandPrince54,
                                         relativeTolerance: tolerance, absoluteTolerance: tolerance)
            var c = try Classifier(inputWidth: trained.inputWidth, stateWidth: trained.stateWidth, outputs: test.classCount, embedding: .linear,
                                   body: try NeuralODEBlock(spec: spec, gradientMethod: .adjoint, weights: weights), seed: s.seed)
            c.parameters = trained.parameters
            return c
        }
        let batch = try test.subset(Array(0..<Swift.min(s.sweepBatch, test.count)))
        let theta = trained.parameters.values.map { Variable($0) }
        let z0 = try trained.embed(Variable(batch.inputs), parameters: theta).value
        let reference = try classifier(tolerance: 1e-10).body(z0)
        return try s.tolerances.map { tolerance in
            let c = try classifier(tolerance: tolerance)
            let counter = try c.body.counter
            counter.reset()
            let state = try c.body(z0)
            let forward = counter.forward
            counter.reset()
            _ = try valueWithGradient(at: c.parameters.values) { p in
                try Loss.softmaxCrossEntropy(logits: c.forward(Variable(batch.inputs), parameters: p), labels: batch.labels)
            }
            let backward = counter.backward
            let logits = try c(test.inputs)
            return ToleranceResult(tolerance: tolerance, forwardEvaluations: forward, backwardEvaluations: backward,
                                   stateError: try (state - reference).scalars.map(Swift.abs).max() ?? .nan,
                                   testError: 1 - (try classificationAccuracy(logits, labels: test.labels)))
        }
    }

    /// Trains, sweeps and reports (`measure` then `report`).
    public func run(profile: Profile, progress: @escaping @Sendable (String) -> Void) throws -> PaperResult {
        let clock = Stopwatch()
        let measurement = try measure(settings(for: profile), progress: progress)
        var result = report(measurement, profile: profile, seconds: clock.seconds)
        // The conv ODE-Net on the digits images, reported beside the MLP models (not part of the verdict's conditions).
        let convolutional = try measureConvolutional(convolutionalSetting(for: profile), progress: progress)
        let f = { (x: Double) in NumberFormat.significant(x) }
        result.tables.append(convolutionalTable(convolutional))
        result.verdict.summary += " Conv ODE-Net on the digits images (\(convolutional.setting.channels) channels, "
            + "\(convolutional.setting.epochs) epoch(s)): test error \(f(convolutional.testError)), \(convolutional.parameterCount) "
            + "parameters, forward/backward NFE per batch \(f(convolutional.epochForwardEvaluations.last ?? .nan))/"
            + "\(f(convolutional.epochBackwardEvaluations.last ?? .nan))."
        result.numbers["conv.testError"] = convolutional.testError
        result.numbers["conv.parameters"] = Double(convolutional.parameterCount)
        result.numbers["conv.forwardNFE"] = convolutional.epochForwardEvaluations.last ?? .nan
        result.numbers["conv.backwardNFE"] = convolutional.epochBackwardEvaluations.last ?? .nan
        result.seconds = clock.seconds
        return result
    }

    /// The verdict's four conditions.
    public static func conditions(_ m: Measurement) -> (comparableError: Bool, fewerParameters: Bool, toleranceGrowth: Bool,
                                                        trainingGrowth: Bool) {
        let errors = m.models.map(\.testError)
        let spread = (errors.max() ?? .nan) - (errors.min() ?? .nan)
        let resnet = m.model("ResNet")?.parameterCount ?? 0
        let fewer = [m.model("RK-Net"), m.model("ODE-Net")].allSatisfy { ($0?.parameterCount ?? .max) < resnet }
        let forward = m.tolerances.map(\.forwardEvaluations)
        let toleranceGrowth = forward.count >= 2 && zip(forward.dropFirst(), forward).allSatisfy { $0 >= $1 }
            && (forward.last ?? 0) > (forward.first ?? 0)
        return (spread <= errorSpreadThreshold, fewer, toleranceGrowth, trainingGrowth(m) >= trainingGrowthThreshold)
    }

    /// The last epoch's mean forward NFE per batch over the first epoch's.
    public static func trainingGrowth(_ m: Measurement) -> Double {
        guard let first = m.epochForwardEvaluations.first, let last = m.epochForwardEvaluations.last, first > 0 else { return .nan }
        return last / first
    }

    /// Tables, figures and the verdict from the measurement.
    public func report(_ m: Measurement, profile: Profile, seconds: Double = 0) -> PaperResult {
        let c = Chen2018ODENet.conditions(m)
        let f = { (x: Double) in NumberFormat.significant(x) }
        let errors = m.models.map { "\($0.name) \(f($0.testError))" }.joined(separator: ", ")
        let params = m.models.map { "\($0.name) \($0.parameterCount)" }.joined(separator: ", ")
        let forward = m.tolerances.map { "\($0.forwardEvaluations)" }.joined(separator: " → ")
        let summary = "Test errors \(errors) (spread ≤ \(f(Chen2018ODENet.errorSpreadThreshold)): \(c.comparableError ? "yes" : "no")); "
            + "parameters \(params) (tied nets smaller: \(c.fewerParameters ? "yes" : "no")); forward NFE at rtol = atol "
            + "\(m.tolerances.map { NumberFormat.scientific($0.tolerance, digits: 1) }.joined(separator: " → ")): \(forward) "
            + "(non-decreasing and rising: \(c.toleranceGrowth ? "yes" : "no")); forward NFE per batch during training "
            + "\(f(m.epochForwardEvaluations.first ?? .nan)) (epoch 1) → \(f(m.epochForwardEvaluations.last ?? .nan)) "
            + "(epoch \(m.epochForwardEvaluations.count)), ×\(f(Chen2018ODENet.trainingGrowth(m))) "
            + "(≥ \(f(Chen2018ODENet.trainingGrowthThreshold)): \(c.trainingGrowth ? "yes" : "no"))."
        let reproduced = c.comparableError && c.fewerParameters && c.toleranceGrowth && c.trainingGrowth
        return PaperResult(paper: self, profile: profile, tables: [modelTable(m), toleranceTable(m), epochTable(m)],
                           figures: [toleranceFigure(m), epochFigure(m)],
                           verdict: Verdict(reproduced: reproduced, summary: summary), seconds: seconds,
                           numbers: numbers(m))
    }

    /// The deciding numbers: per model `testError.<name>`, `parameters.<name>`; the error spread, the forward
    /// NFE at the loosest and tightest tolerance, and the NFE growth during training.
    func numbers(_ m: Measurement) -> [String: Double] {
        var numbers: [String: Double] = [:]
        for r in m.models {
            numbers["testError.\(r.name)"] = r.testError
            numbers["parameters.\(r.name)"] = Double(r.parameterCount)
        }
        let errors = m.models.map(\.testError)
        numbers["testErrorSpread"] = (errors.max() ?? .nan) - (errors.min() ?? .nan)
        numbers["forwardNFELoosest"] = m.tolerances.first.map { Double($0.forwardEvaluations) } ?? .nan
        numbers["forwardNFETightest"] = m.tolerances.last.map { Double($0.forwardEvaluations) } ?? .nan
        numbers["backwardNFELoosest"] = m.tolerances.first.map { Double($0.backwardEvaluations) } ?? .nan
        numbers["trainingNFEFirstEpoch"] = m.epochForwardEvaluations.first ?? .nan
        numbers["trainingNFELastEpoch"] = m.epochForwardEvaluations.last ?? .nan
        numbers["trainingNFEGrowth"] = Chen2018ODENet.trainingGrowth(m)
        return numbers
    }

    func modelTable(_ m: Measurement) -> ResultTable {
        let s = m.settings
        let memory = ["ResNet": "O(L)", "RK-Net": "O(L̃)", "ODE-Net": "O(1)"]
        let rows = m.models.map { r in
            [r.name, NumberFormat.significant(r.testError), "\(r.parameterCount)", memory[r.name] ?? "",
             "\(r.keptEvaluations)", "\(r.keptScalarsPerSample)",
             r.name == "ODE-Net" ? "\(NumberFormat.significant(r.forwardEvaluations)) / \(NumberFormat.significant(r.backwardEvaluations))"
                 : "\(Int(r.forwardEvaluations)) / \(Int(r.backwardEvaluations))",
             NumberFormat.significant(r.trainingSeconds)]
        }
        return ResultTable(
            caption: "Digits (8×8), embedding 64 → \(s.width), hidden \(s.hidden), readout → 10; ResNet: \(s.resnetDepth) untied Euler blocks "
                + "(h = 1); RK-Net: \(s.rungeKuttaSteps) tied RK4 steps on [0, 1]; ODE-Net: dopri5, adjoint, rtol = atol = "
                + "\(NumberFormat.scientific(s.trainingTolerance, digits: 1)); Adam \(s.learningRate) cosine, \(s.epochs) epochs, batch "
                + "\(s.batchSize). Kept activations are counted from the graph (evaluations × (2m + 3d) + 2d per sample), not measured on the heap",
            columns: ["model", "test error", "parameters", "memory (Chen)", "field evaluations kept", "activations kept per sample",
                      "NFE forward / backward per batch", "training seconds"],
            rows: rows)
    }

    func toleranceTable(_ m: Measurement) -> ResultTable {
        let rows = m.tolerances.map { t in
            [NumberFormat.scientific(t.tolerance, digits: 1), "\(t.forwardEvaluations)", "\(t.backwardEvaluations)",
             NumberFormat.scientific(t.stateError, digits: 2), NumberFormat.significant(t.testError)]
        }
        return ResultTable(
            caption: "The trained ODE-Net re-solved at each tolerance (rtol = atol), on \(m.settings.sweepBatch) test samples: NFE of the "
                + "forward solve and of the adjoint backward solve, max |x(1) − x_ref(1)| against rtol = atol = 1e-10, and the test error",
            columns: ["tolerance", "forward NFE", "backward NFE", "state error", "test error"], rows: rows)
    }

    func epochTable(_ m: Measurement) -> ResultTable {
        let rows = m.epochForwardEvaluations.indices.map { e in
            ["\(e + 1)", NumberFormat.significant(m.epochForwardEvaluations[e]), NumberFormat.significant(m.epochBackwardEvaluations[e])]
        }
        return ResultTable(caption: "ODE-Net: mean NFE per training batch in each epoch (rtol = atol = "
                               + "\(NumberFormat.scientific(m.settings.trainingTolerance, digits: 1)))",
                           columns: ["epoch", "forward NFE", "backward NFE"], rows: rows)
    }

    /// NFE against `rtol = atol` (forward and adjoint backward) beside the final-state error it buys, log axes.
    func toleranceFigure(_ m: Measurement) -> Figure {
        let s = m.settings
        let rows = m.tolerances.map { [$0.tolerance, Double($0.forwardEvaluations), Double($0.backwardEvaluations), $0.stateError] }
        return Figure(name: "nfe-vs-tolerance",
                      title: "Trained ODE-Net (width \(s.width), hidden \(s.hidden), dopri5, adjoint; trained at rtol = atol = "
                        + "\(NumberFormat.scientific(s.trainingTolerance, digits: 1)), seed \(s.seed)) on \(s.sweepBatch) test samples "
                        + "(Chen et al., Fig. 3a–b)",
                      columns: ["tolerance", "forward NFE", "backward NFE", "state error"], rows: rows,
                      gnuplot: """
                      set multiplot layout 1,2 title TITLE
                      set logscale x
                      set xlabel 'solver tolerance rtol = atol'
                      set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
                      set key below maxrows 2
                      set title 'function evaluations per solve'
                      set ylabel 'NFE (evaluations of f)'
                      plot DATA using 1:2 with linespoints lw 2 pt 7 lc 1 title 'forward solve', \\
                           DATA using 1:3 with linespoints lw 2 pt 5 dt 2 lc 2 title 'backward (adjoint) solve'
                      set title 'error of the final state'
                      set logscale y
                      set ylabel 'max |x(1) − x_ref(1)| (x_ref at rtol = atol = 1e-10)'
                      plot DATA using 1:4 with linespoints lw 2 pt 7 lc 1 title 'forward solve', \\
                           DATA using 1:1 with lines lw 1.5 dt 3 lc rgb 'black' title 'error = tolerance'
                      unset multiplot
                      """, size: Figure.Size(width: 1200, height: 560))
    }

    func epochFigure(_ m: Measurement) -> Figure {
        let rows = m.epochForwardEvaluations.indices.map {
            [Double($0 + 1), m.epochForwardEvaluations[$0], m.epochBackwardEvaluations[$0]]
        }
        let s = m.settings
        return Figure(name: "nfe-during-training",
                      title: "ODE-Net NFE per batch during training (width \(s.width), hidden \(s.hidden), dopri5, adjoint, rtol = atol = "
                        + "\(NumberFormat.scientific(s.trainingTolerance, digits: 1)), batch \(s.batchSize), seed \(s.seed); Chen et al., Fig. 3d)",
                      columns: ["epoch", "forward NFE", "backward NFE"], rows: rows,
                      gnuplot: """
                      set xlabel 'epoch'
                      set ylabel 'mean NFE per batch (evaluations of f)'
                      set key below maxrows 2
                      plot DATA using 1:2 with linespoints lw 2 pt 7 lc 1 title 'forward', \\
                           DATA using 1:3 with linespoints lw 2 pt 5 dt 2 lc 2 title 'backward (adjoint)'
                      """)
    }
}
