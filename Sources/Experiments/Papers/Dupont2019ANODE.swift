// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import ResidualNets
import NetworkLayers
import TensorCore
import Training

/// Augmented neural ODEs. The flow `φ_t` of `dx/dt = f(x, t)` in ℝᵈ is a homeomorphism:
/// trajectories cannot cross, so it cannot map the ball ‖x‖ ≤ r₁ and the shell r₂ ≤ ‖x‖ ≤ r₃
/// to two sides of a hyperplane, and a neural ODE with a linear readout cannot represent
///
///     g(x) = −1 for ‖x‖ ≤ r₁,   g(x) = +1 for r₂ ≤ ‖x‖ ≤ r₃
///
/// exactly (Dupont et al., Prop. 2). A ResNet `x + h·F(x)` with a large step can, since
/// discrete steps may jump over each other, and so can an *augmented* ODE that solves in
/// ℝ^{d+p} from `[x, 0]`, where trajectories pass each other in the extra dimensions. In
/// training, the plain ODE fits worse and needs ever more function evaluations (NFE) as its
/// flow squeezes the ball through the shell; the augmented one fits better with fewer.
///
/// Measured on `Dataset.nestedSpheres` with each body between zero padding and a linear
/// readout to one output, trained on ½‖y − g‖² (Dupont et al.'s loss) with Adam; NFE from the
/// ODE block's counter (dopri5, adjoint gradient).
///
/// Reference: Dupont, Doucet & Teh, "Augmented neural ODEs", NeurIPS 2019, §3–5 (g₁d, nested
/// spheres, loss and NFE during training);
/// Papers/dupont2019-anode.
public struct Dupont2019ANODE: Paper {
    /// What one profile measures.
    public struct Settings: Sendable, Equatable {
        /// The input dimensions `d` (one experiment each).
        public var dimensions: [Int]
        /// Samples of the data set (80 % train, 20 % test).
        public var sampleCount: Int
        /// Hidden width of every field.
        public var hidden: Int
        /// Extra zero dimensions `p` of the augmented ODE.
        public var augmentedDimensions: Int
        /// Depth and step of the discrete ResNet in ℝᵈ.
        public var resnetDepth: Int, resnetStepSize: Double
        /// `rtol = atol` of the ODE solves.
        public var tolerance: Double
        /// Training of every model: epochs, Adam's constant learning rate, batch size.
        public var epochs: Int
        public var learningRate: Double
        public var batchSize: Int
        /// One run per seed; results are averaged.
        public var seeds: [UInt64]
    }

    /// One trained model (one seed).
    public struct Run: Sendable, Equatable {
        /// `NODE`, `ResNet` or `ANODE`.
        public var model: String
        /// The input dimension `d` and the seed of the initial weights (the shuffling uses `seed + 100`).
        public var dimension: Int
        public var seed: UInt64
        /// ½ mean ‖y − g‖² on the whole training set, and test accuracy (sign of the output), after training.
        public var trainingLoss: Double, testAccuracy: Double
        /// Training loss (running mean) per epoch.
        public var lossCurve: [Double]
        /// Mean forward and backward NFE per batch per epoch (empty for the ResNet).
        public var forwardEvaluations: [Double], backwardEvaluations: [Double]
        /// Scalar parameters of the model (readout included).
        public var parameterCount: Int
    }

    /// Everything measured.
    public struct Measurement: Sendable, Equatable {
        /// The settings measured, and every run (dimension, then seed, then model).
        public var settings: Settings
        public var runs: [Run]

        /// The runs of one model and dimension.
        public func runs(_ model: String, dimension: Int) -> [Run] { runs.filter { $0.model == model && $0.dimension == dimension } }

        /// The mean over seeds of a quantity of one model and dimension.
        public func mean(_ model: String, dimension: Int, _ value: (Run) -> Double) -> Double {
            let r = runs(model, dimension: dimension)
            return r.isEmpty ? .nan : r.map(value).reduce(0, +) / Double(r.count)
        }

        /// The mean forward NFE per batch over the last epoch.
        public func finalForwardEvaluations(_ model: String, dimension: Int) -> Double {
            mean(model, dimension: dimension) { $0.forwardEvaluations.last ?? .nan }
        }
    }

    /// The NODE's final training loss must be at least this multiple of the ANODE's …
    public static let lossRatioThreshold = 2.0
    /// … its forward NFE per batch in the last epoch above the ANODE's, its test accuracy no higher
    /// than the ANODE's, and the large-step ResNet must reach this test accuracy.
    public static let resnetAccuracyThreshold = 0.95

    /// The folder and command-line key.
    public let id = "dupont2019-anode"
    /// A short title.
    public let title = "Augmented neural ODEs: flows cannot separate nested spheres, augmented flows can"
    /// The claim, with the function `g`.
    public let claim = "The flow of dx/dt = f(x, t) in ℝᵈ is a homeomorphism (trajectories cannot cross), so a neural ODE with a "
        + "linear readout cannot represent g(x) = −1 for ‖x‖ ≤ r₁, +1 for r₂ ≤ ‖x‖ ≤ r₃; a ResNet with large steps and an "
        + "augmented ODE in ℝ^{d+p} from [x, 0] can. In training the neural ODE reaches a higher loss with more function "
        + "evaluations than the augmented one."
    /// The source and its sections.
    public let source = "Dupont, Doucet & Teh, \"Augmented neural ODEs\", NeurIPS 2019, §3–5 (nested spheres; loss and NFE "
        + "during training)"

    /// The reproduction with the settings of `settings(for:)`.
    public init() {}

    /// The settings of a profile.
    public func settings(for profile: Profile) -> Settings {
        switch profile {
        case .quick:
            return Settings(dimensions: [2], sampleCount: 1000, hidden: 32, augmentedDimensions: 3, resnetDepth: 2,
                            resnetStepSize: 1, tolerance: 1e-3, epochs: 40, learningRate: 1e-2, batchSize: 50, seeds: [1])
        case .full:
            return Settings(dimensions: [2, 3], sampleCount: 2000, hidden: 32, augmentedDimensions: 3, resnetDepth: 2,
                            resnetStepSize: 1, tolerance: 1e-3, epochs: 40, learningRate: 1e-2, batchSize: 50, seeds: [1, 2, 3])
        }
    }

    /// Trains the three models for every dimension and seed.
    /// - Throws: training and solver errors; `ExperimentError.nonFinite` for a non-finite loss.
    public func measure(_ s: Settings, progress: @escaping @Sendable (String) -> Void) throws -> Measurement {
        var runs: [Run] = []
        for d in s.dimensions {
            let data = try Dataset.nestedSpheres(dimension: d, count: s.sampleCount, seed: 21).split(testFraction: 0.2, seed: 22)
            for seed in s.seeds {
                for model in ["NODE", "ResNet", "ANODE"] {
                    progress("d = \(d), seed \(seed): \(model), \(s.epochs) epochs")
                    let run: Run
                    switch model {
                    case "ResNet":
                        let spec = try ResidualNetworkSpec(dimension: d, hidden: s.hidden, depth: s.resnetDepth,
                                                           stepSize: s.resnetStepSize)
                        run = try train(model, body: try ResidualNetwork(spec: spec, seed: seed), stateWidth: d, counter: nil,
                                        data: data, settings: s, seed: seed)
                    default:
                        let width = model == "ANODE" ? d + s.augmentedDimensions : d
                        let spec = try NeuralODESpec(dimension: width, hidden: s.hidden, solver: .dormandPrince54,
                                                     relativeTolerance: s.tolerance, absoluteTolerance: s.tolerance)
                        let block = try NeuralODEBlock(spec: spec, gradientMethod: .adjoint, seed: seed)
                        run = try train(model, body: block, stateWidth: width, counter: block.counter, data: data,
                                        settings: s, seed: seed)
                    }
                    guard run.trainingLoss.isFinite else { throw ExperimentError.nonFinite(what: "the training loss of the \(model)") }
                    runs.append(run)
                }
            }
        }
        return Measurement(settings: s, runs: runs)
    }

    /// Trains `[x, 0] ↦ readout(body([x, 0]))` on ½‖y − g(x)‖² and measures it.
    func train<Body: DifferentiableModel>(_ model: String, body: Body, stateWidth: Int, counter: EvaluationCounter?,
                                          data: (train: Dataset, test: Dataset), settings s: Settings, seed: UInt64) throws -> Run {
        let d = data.train.featureCount
        var classifier = try Classifier(inputWidth: d, stateWidth: stateWidth, outputs: 1, embedding: .zeroPadding,
                                        body: body, seed: seed)
        let frozen = classifier
        let loss: LossFunction = { batch, theta in
            let y = try frozen.forward(Variable(batch.inputs), parameters: theta)
            return LossEvaluation(loss: try Loss.meanSquaredError(y, targets: batch.targets), outputs: y) {
                guard let counter else { return [:] }
                let counts = ["forward": Double(counter.forward), "backward": Double(counter.backward)]
                counter.reset()
                return counts
            }
        }
        var trainer = try Trainer(optimizer: Adam(learningRate: s.learningRate), epochs: s.epochs, batchSize: s.batchSize,
                                  seed: seed + 100, evaluationBatchSize: 500, progress: .silent)
        var parameters = classifier.parameters
        counter?.reset()
        let metrics = try trainer.train(&parameters, on: data.train.samples, loss: loss)
        classifier.parameters = parameters
        let training = try trainer.evaluate(parameters, on: data.train.samples, loss: loss)
        let test = try trainer.evaluate(parameters, on: data.test.samples, loss: loss)
        return Run(model: model, dimension: d, seed: seed, trainingLoss: training.loss, testAccuracy: test.accuracy ?? .nan,
                   lossCurve: metrics.map(\.trainingLoss),
                   forwardEvaluations: counter == nil ? [] : metrics.map { $0.counters["forward"] ?? .nan },
                   backwardEvaluations: counter == nil ? [] : metrics.map { $0.counters["backward"] ?? .nan },
                   parameterCount: classifier.parameters.scalarCount)
    }

    /// Trains every model and reports (`measure` then `report`).
    public func run(profile: Profile, progress: @escaping @Sendable (String) -> Void) throws -> PaperResult {
        let clock = Stopwatch()
        let measurement = try measure(settings(for: profile), progress: progress)
        return report(measurement, profile: profile, seconds: clock.seconds)
    }

    /// The verdict's conditions for one dimension.
    public static func conditions(_ m: Measurement, dimension d: Int)
        -> (higherLoss: Bool, noBetterAccuracy: Bool, moreEvaluations: Bool, resnetSeparates: Bool) {
        let loss = { (model: String) in m.mean(model, dimension: d) { $0.trainingLoss } }
        let accuracy = { (model: String) in m.mean(model, dimension: d) { $0.testAccuracy } }
        return (loss("NODE") >= lossRatioThreshold * loss("ANODE"),
                accuracy("NODE") <= accuracy("ANODE"),
                m.finalForwardEvaluations("NODE", dimension: d) > m.finalForwardEvaluations("ANODE", dimension: d),
                accuracy("ResNet") >= resnetAccuracyThreshold)
    }

    /// Tables, figures and the verdict from the measurement.
    public func report(_ m: Measurement, profile: Profile, seconds: Double = 0) -> PaperResult {
        let f = { (x: Double) in NumberFormat.significant(x) }
        var reproduced = !m.settings.dimensions.isEmpty
        var parts: [String] = []
        var numbers: [String: Double] = [:]
        for d in m.settings.dimensions {
            let mean = { (model: String, value: (Run) -> Double) in m.mean(model, dimension: d, value) }
            numbers["d\(d).lossRatio"] = mean("NODE") { $0.trainingLoss } / mean("ANODE") { $0.trainingLoss }
            for model in ["NODE", "ResNet", "ANODE"] {
                numbers["d\(d).\(model).trainingLoss"] = mean(model) { $0.trainingLoss }
                numbers["d\(d).\(model).testAccuracy"] = mean(model) { $0.testAccuracy }
            }
            for model in ["NODE", "ANODE"] {
                numbers["d\(d).\(model).finalForwardNFE"] = m.finalForwardEvaluations(model, dimension: d)
            }
            let c = Dupont2019ANODE.conditions(m, dimension: d)
            reproduced = reproduced && c.higherLoss && c.noBetterAccuracy && c.moreEvaluations && c.resnetSeparates
            let loss = { (model: String) in f(m.mean(model, dimension: d) { $0.trainingLoss }) }
            let accuracy = { (model: String) in f(m.mean(model, dimension: d) { $0.testAccuracy }) }
            parts.append("d = \(d): training loss NODE \(loss("NODE")) vs ANODE \(loss("ANODE")) (≥ ×\(f(Dupont2019ANODE.lossRatioThreshold)): "
                + "\(c.higherLoss ? "yes" : "no")), test accuracy NODE \(accuracy("NODE")) vs ANODE \(accuracy("ANODE")) "
                + "(NODE no better: \(c.noBetterAccuracy ? "yes" : "no")), final forward NFE per batch "
                + "NODE \(f(m.finalForwardEvaluations("NODE", dimension: d))) vs ANODE \(f(m.finalForwardEvaluations("ANODE", dimension: d))) "
                + "(NODE higher: \(c.moreEvaluations ? "yes" : "no")), ResNet (h = \(m.settings.resnetStepSize)) test accuracy "
                + "\(accuracy("ResNet")) (≥ \(f(Dupont2019ANODE.resnetAccuracyThreshold)): \(c.resnetSeparates ? "yes" : "no"))")
        }
        return PaperResult(paper: self, profile: profile, tables: [table(m)],
                           figures: [curveFigure(m, name: "loss", title: "Training loss per epoch on nested spheres", values: \.lossCurve, logscale: true),
                                     curveFigure(m, name: "nfe", title: "Forward NFE per batch during training",
                                                 values: \.forwardEvaluations, logscale: false)],
                           verdict: Verdict(reproduced: reproduced, summary: parts.joined(separator: "; ") + "."), seconds: seconds,
                           numbers: numbers)
    }

    func table(_ m: Measurement) -> ResultTable {
        let s = m.settings
        let f = { (x: Double) in NumberFormat.significant(x) }
        var rows: [[String]] = []
        for d in s.dimensions {
            for model in ["NODE", "ResNet", "ANODE"] {
                let runs = m.runs(model, dimension: d)
                guard let first = runs.first else { continue }
                let isODE = model != "ResNet"
                let state = model == "ANODE" ? "\(d) + \(s.augmentedDimensions)" : "\(d)"
                rows.append(["\(d)", model, state, "\(first.parameterCount)", f(m.mean(model, dimension: d) { $0.trainingLoss }),
                             f(m.mean(model, dimension: d) { $0.testAccuracy }),
                             isODE ? f(m.mean(model, dimension: d) { $0.forwardEvaluations.first ?? .nan }) : "–",
                             isODE ? f(m.finalForwardEvaluations(model, dimension: d)) : "–",
                             isODE ? f(m.mean(model, dimension: d) { $0.backwardEvaluations.last ?? .nan }) : "–"])
            }
        }
        return ResultTable(
            caption: "Nested spheres (r₁ = 0.5, r₂ = 1, r₃ = 1.5; \(s.sampleCount) samples, 80/20 split), zero padding → body → linear "
                + "readout to 1 output, ½‖y − g‖², Adam \(s.learningRate), \(s.epochs) epochs, batch \(s.batchSize); ODEs: hidden \(s.hidden), "
                + "dopri5, adjoint, rtol = atol = \(NumberFormat.scientific(s.tolerance, digits: 1)); ResNet: \(s.resnetDepth) blocks, "
                + "h = \(s.resnetStepSize); mean over \(s.seeds.count) seed(s)",
            columns: ["d", "model", "state dimension", "parameters", "final training loss", "test accuracy",
                      "forward NFE/batch, epoch 1", "forward NFE/batch, last epoch", "backward NFE/batch, last epoch"],
            rows: rows)
    }

    /// One curve per (model, dimension), the mean over seeds per epoch.
    func curveFigure(_ m: Measurement, name: String, title: String, values: KeyPath<Run, [Double]>, logscale: Bool) -> Figure {
        var columns = ["epoch"], series: [[Double]] = []
        for d in m.settings.dimensions {
            for model in ["NODE", "ResNet", "ANODE"] {
                let runs = m.runs(model, dimension: d).map { $0[keyPath: values] }
                guard let length = runs.map(\.count).min(), length > 0 else { continue }
                columns.append("\(model) d=\(d)")
                series.append((0..<length).map { e in runs.reduce(0) { $0 + $1[e] } / Double(runs.count) })
            }
        }
        let epochs = series.map(\.count).max() ?? 0
        let rows = (0..<epochs).map { e in [Double(e + 1)] + series.map { e < $0.count ? $0[e] : .nan } }
        // Colour and dash tell the model, the marker tells the dimension d (the same in both figures).
        let style = ["NODE": (colour: 1, dash: 1), "ResNet": (colour: 2, dash: 3), "ANODE": (colour: 3, dash: 2)]
        let markers = [7, 5, 9, 11, 13]
        let every = Swift.max(epochs / 10, 1)
        let plots = columns.dropFirst().enumerated().map { k, c in
            let model = String(c.prefix { $0 != " " }), t = style[model] ?? (colour: k + 1, dash: 1)
            let d = m.settings.dimensions.firstIndex { c.hasSuffix("d=\($0)") } ?? 0
            return "DATA using 1:\(k + 2) with linespoints pi \(every) pt \(markers[d % markers.count]) dt \(t.dash) lw 2 lc \(t.colour) title '\(c)'"
        }
        let s = m.settings
        let parameters = "NODE width d, ANODE width d + \(s.augmentedDimensions), hidden \(s.hidden), dopri5 rtol = atol = "
            + "\(NumberFormat.scientific(s.tolerance, digits: 1)); ResNet \(s.resnetDepth) blocks, h = \(s.resnetStepSize); "
            + "batch \(s.batchSize), mean of \(s.seeds.count) seed(s)"
        return Figure(name: name, title: title + " (" + parameters + ")", columns: columns, rows: rows,
                      gnuplot: """
                      \(logscale ? "set logscale y\n" : "")set xlabel 'epoch'
                      set ylabel '\(name == "loss" ? "training loss ½‖y − g‖² (dimensionless)" : "forward NFE per batch (evaluations of f)")'
                      set offsets 0, 0, graph 0.05, graph 0.05
                      set key below maxrows 2
                      plot \(plots.joined(separator: ", \\\n     "))
                      """, size: Figure.Size(width: 1100, height: 600))
    }
}
