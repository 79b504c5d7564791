// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResidualNets
import NetworkLayers
import TensorCore
import Training

/// The degradation problem: with the same blocks, data and training budget, a deeper plain
/// network `x_{l+1} = F_l(x_l)` ends with a *higher training loss* than a shallower one,
/// although it could represent it (extra blocks could learn the identity), while the
/// residual network `x_{l+1} = x_l + F_l(x_l)` does not degrade:
///
///     ℓ_train(plain, L_deep) > ℓ_train(plain, L_shallow),   ℓ_train(resnet, L_deep) ≲ ℓ_train(resnet, L_shallow)
///
/// Measured on digits (and, in the full profile, two spirals): linear embedding to width `d`,
/// `L` tanh MLP blocks (hidden `m`), linear readout; the plain and residual networks share the
/// architecture, the initial weights (LeCun-uniform, PyTorch's default × √3), the optimiser
/// (Adam, cosine annealing) and the number of epochs.
///
/// Reference: He, Zhang, Ren & Sun, "Deep residual learning for image recognition", CVPR 2016,
/// Fig. 1 and Fig. 4, Table 2; Papers/he2016-degradation.
public struct He2016Degradation: Paper {
    /// One data set's sweep over depths.
    public struct Sweep: Sendable, Equatable {
        /// `digits` or `spirals`.
        public var dataset: String
        /// The depths `L`, ascending.
        public var depths: [Int]
        /// The state width `d` and the hidden width `m` of every block.
        public var width: Int, hidden: Int
        /// Passes over the training set, and Adam's initial learning rate `η₀` (cosine-annealed to `η₀/100`).
        public var epochs: Int
        public var learningRate: Double
        /// One training run per seed and depth and kind; results are averaged over seeds.
        public var seeds: [UInt64]
    }

    /// What one profile measures.
    public struct Settings: Sendable, Equatable {
        /// The data sets swept, in order.
        public var sweeps: [Sweep]
    }

    /// The final measurements of one (data set, depth, kind), averaged over seeds.
    public struct Point: Sendable, Equatable {
        /// The depth `L` and the kind (plain or residual) of the networks.
        public var depth: Int
        public var kind: ResidualNetworkSpec.Kind
        /// Mean cross-entropy on the whole training set after training, per seed.
        public var trainingLosses: [Double]
        /// Test error per seed.
        public var testErrors: [Double]
        /// Training loss per epoch (the running mean during the epoch) of the first seed.
        public var curve: [Double]
        /// Scalar parameters of the classifier (the same for both kinds).
        public var parameterCount: Int

        /// The mean final training loss over seeds.
        public var trainingLoss: Double { trainingLosses.reduce(0, +) / Double(Swift.max(trainingLosses.count, 1)) }
        /// The mean test error over seeds.
        public var testError: Double { testErrors.reduce(0, +) / Double(Swift.max(testErrors.count, 1)) }
    }

    /// Every point of one sweep.
    public struct SweepResult: Sendable, Equatable {
        /// The sweep's settings and one point per (depth, kind), in depth order, plain first.
        public var sweep: Sweep
        public var points: [Point]

        /// The point of a depth and kind.
        public func point(depth: Int, kind: ResidualNetworkSpec.Kind) -> Point? {
            points.first { $0.depth == depth && $0.kind == kind }
        }

        /// `ℓ(deepest)/ℓ(shallowest)` of one kind.
        public func deepToShallowRatio(_ kind: ResidualNetworkSpec.Kind) -> Double {
            guard let shallow = sweep.depths.first.flatMap({ point(depth: $0, kind: kind) }),
                  let deep = sweep.depths.last.flatMap({ point(depth: $0, kind: kind) }) else { return .nan }
            return deep.trainingLoss / shallow.trainingLoss
        }
    }

    /// Degradation: the deepest plain net's final training loss is at least this multiple of the shallowest one's …
    public static let plainRatioThreshold = 2.0
    /// … and exceeds it by at least this much (nats), so that tiny losses cannot pass on the ratio alone.
    public static let plainGapThreshold = 0.1
    /// No degradation: the deepest residual net's final training loss is at most this multiple of the shallowest one's.
    public static let residualRatioThreshold = 1.25

    /// The folder and command-line key.
    public let id = "he2016-degradation"
    /// A short title.
    public let title = "Degradation: deeper plain nets train worse, residual nets do not"
    /// The claim, with its inequality.
    public let claim = "With the same blocks and training budget, a deeper plain network x_{l+1} = F_l(x_l) reaches a higher "
        + "training loss than a shallower one (degradation: an optimisation failure, not overfitting), whereas the residual "
        + "network x_{l+1} = x_l + F_l(x_l) with the same F_l does not: ℓ_train(plain, L_deep) > ℓ_train(plain, L_shallow), "
        + "ℓ_train(resnet, L_deep) ≤ ℓ_train(resnet, L_shallow)."
    /// The source and its figures.
    public let source = "He, Zhang, Ren & Sun, \"Deep residual learning for image recognition\", CVPR 2016, Fig. 1, Fig. 4, Table 2"

    /// The reproduction with the settings of `settings(for:)`.
    public init() {}

    /// The settings of a profile.
    public func settings(for profile: Profile) -> Settings {
        let digitsQuick = Sweep(dataset: "digits", depths: [2, 6, 16], width: 16, hidden: 32, epochs: 20,
                                learningRate: 1e-3, seeds: [1])
        switch profile {
        case .quick:
            return Settings(sweeps: [digitsQuick])
        case .full:
            var digits = digitsQuick
            digits.depths = [1, 2, 4, 8, 16, 32]
            digits.epochs = 30
            digits.seeds = [1, 2, 3]
            let spirals = Sweep(dataset: "spirals", depths: [2, 4, 8, 16, 32], width: 16, hidden: 64, epochs: 200,
                                learningRate: 3e-3, seeds: [1, 2, 3])
            return Settings(sweeps: [digits, spirals])
        }
    }

    /// Trains every network of every sweep.
    /// - Throws: `ExperimentError.invalidArgument` for an unknown data set or an empty sweep, and training errors.
    public func measure(_ settings: Settings, progress: @escaping @Sendable (String) -> Void) throws -> [SweepResult] {
        try settings.sweeps.map { sweep in
            guard !sweep.depths.isEmpty, !sweep.seeds.isEmpty else {
                throw ExperimentError.invalidArgument(name: "sweep", value: sweep.dataset, reason: "needs depths and seeds")
            }
            let data: (train: Dataset, test: Dataset)
            switch sweep.dataset {
            case "digits": data = try ClassifierRuns.digits()
            case "spirals": data = try ClassifierRuns.spirals()
            default:
                throw ExperimentError.invalidArgument(name: "dataset", value: sweep.dataset, reason: "expected digits or spirals")
            }
            var points: [Point] = []
            for depth in sweep.depths {
                for kind in [ResidualNetworkSpec.Kind.plain, .resnet] {
                    progress("\(sweep.dataset): \(kind.rawValue) L = \(depth), \(sweep.seeds.count) seed(s), \(sweep.epochs) epochs")
                    var point = Point(depth: depth, kind: kind, trainingLosses: [], testErrors: [], curve: [], parameterCount: 0)
                    for seed in sweep.seeds {
                        let spec = try ResidualNetworkSpec(kind: kind, dimension: sweep.width, hidden: sweep.hidden,
                                                           depth: depth, stepSize: 1)
                        let body = try ClassifierRuns.scalingWeights(of: ResidualNetwork(spec: spec, seed: seed),
                                                                     by: 3.0.squareRoot())
                        var classifier = try Classifier(inputWidth: data.train.featureCount, stateWidth: sweep.width,
                                                        outputs: data.train.classCount, embedding: .linear, body: body,
                                                        seed: seed)
                        let outcome = try ClassifierRuns.train(&classifier, on: data, epochs: sweep.epochs,
                                                               learningRate: sweep.learningRate, seed: seed + 100)
                        guard outcome.trainingLoss.isFinite else {
                            throw ExperimentError.nonFinite(what: "the training loss of \(kind.rawValue) L = \(depth)")
                        }
                        point.trainingLosses.append(outcome.trainingLoss)
                        point.testErrors.append(outcome.testError)
                        if point.curve.isEmpty { point.curve = outcome.metrics.map(\.trainingLoss) }
                        point.parameterCount = classifier.parameters.scalarCount
                    }
                    points.append(point)
                }
            }
            return SweepResult(sweep: sweep, points: points)
        }
    }

    /// Measures the profile's sweeps and reports them (`measure` then `report`).
    public func run(profile: Profile, progress: @escaping @Sendable (String) -> Void) throws -> PaperResult {
        let clock = Stopwatch()
        let results = try measure(settings(for: profile), progress: progress)
        progress("flow of the spiral data through a trained residual network")
        var result = report(results, profile: profile, seconds: clock.seconds)
        result.figures.append(try He2016Degradation.spiralFlowFigure(epochs: profile == .quick ? 40 : 120))
        // The faithful convolutional setting (Fig. 6), reported beside the MLP sweeps; the verdict's
        // `reproduced` stays that of the MLP sweeps, the summary states the convolutional outcome as measured.
        let convolutional = try measureConvolutional(convolutionalSetting(for: profile), progress: progress)
        result.tables.append(convolutionalTable(convolutional))
        result.figures.append(convolutionalCurveFigure(convolutional))
        result.verdict.summary += " " + He2016Degradation.convolutionalSummary(convolutional)
        result.numbers.merge(He2016Degradation.convolutionalNumbers(convolutional)) { _, new in new }
        result.seconds = clock.seconds
        return result
    }

    /// Whether one sweep shows degradation for plain and none for residual networks.
    public static func isReproduced(_ result: SweepResult) -> Bool {
        guard let shallow = result.sweep.depths.first, let deep = result.sweep.depths.last,
              let plainShallow = result.point(depth: shallow, kind: .plain), let plainDeep = result.point(depth: deep, kind: .plain)
        else { return false }
        return result.deepToShallowRatio(.plain) >= plainRatioThreshold
            && plainDeep.trainingLoss - plainShallow.trainingLoss >= plainGapThreshold
            && result.deepToShallowRatio(.resnet) <= residualRatioThreshold
    }

    /// Tables, figures and the verdict from the measurements.
    public func report(_ results: [SweepResult], profile: Profile, seconds: Double = 0) -> PaperResult {
        let tables = results.map(table)
        let reproduced = !results.isEmpty && results.allSatisfy(He2016Degradation.isReproduced)
        let parts = results.map { r -> String in
            let (shallow, deep) = (r.sweep.depths.first ?? 0, r.sweep.depths.last ?? 0)
            let loss = { (l: Int, k: ResidualNetworkSpec.Kind) in NumberFormat.significant(r.point(depth: l, kind: k)?.trainingLoss ?? .nan) }
            return "\(r.sweep.dataset): plain ℓ_train \(loss(shallow, .plain)) (L = \(shallow)) → \(loss(deep, .plain)) (L = \(deep)), "
                + "×\(NumberFormat.significant(r.deepToShallowRatio(.plain))); residual \(loss(shallow, .resnet)) → "
                + "\(loss(deep, .resnet)), ×\(NumberFormat.significant(r.deepToShallowRatio(.resnet)))"
        }
        let summary = parts.joined(separator: "; ") + ". Thresholds: plain deep/shallow ≥ "
            + "\(NumberFormat.significant(He2016Degradation.plainRatioThreshold)) and ≥ +\(NumberFormat.significant(He2016Degradation.plainGapThreshold)) nats; "
            + "residual deep/shallow ≤ \(NumberFormat.significant(He2016Degradation.residualRatioThreshold))."
        var numbers: [String: Double] = [:]
        for r in results {
            let (shallow, deep) = (r.sweep.depths.first ?? 0, r.sweep.depths.last ?? 0)
            numbers["\(r.sweep.dataset).plainDeepToShallow"] = r.deepToShallowRatio(.plain)
            numbers["\(r.sweep.dataset).residualDeepToShallow"] = r.deepToShallowRatio(.resnet)
            for (kind, name) in [(ResidualNetworkSpec.Kind.plain, "plain"), (.resnet, "residual")] {
                numbers["\(r.sweep.dataset).\(name)ShallowLoss"] = r.point(depth: shallow, kind: kind)?.trainingLoss ?? .nan
                numbers["\(r.sweep.dataset).\(name)DeepLoss"] = r.point(depth: deep, kind: kind)?.trainingLoss ?? .nan
                numbers["\(r.sweep.dataset).\(name)DeepTestError"] = r.point(depth: deep, kind: kind)?.testError ?? .nan
            }
        }
        return PaperResult(paper: self, profile: profile, tables: tables,
                           figures: [lossFigure(results)] + results.prefix(1).map(curveFigure),
                           verdict: Verdict(reproduced: reproduced, summary: summary), seconds: seconds, numbers: numbers)
    }

    func table(_ r: SweepResult) -> ResultTable {
        let s = r.sweep
        let seeds = s.seeds.count
        func cell(_ values: [Double]) -> String {
            guard values.count > 1 else { return NumberFormat.significant(values.first ?? .nan) }
            let mean = values.reduce(0, +) / Double(values.count)
            return "\(NumberFormat.significant(mean)) [\(NumberFormat.significant(values.min() ?? .nan))–\(NumberFormat.significant(values.max() ?? .nan))]"
        }
        let rows = s.depths.map { depth -> [String] in
            let plain = r.point(depth: depth, kind: .plain), residual = r.point(depth: depth, kind: .resnet)
            return ["\(depth)", cell(plain?.trainingLosses ?? []), cell(plain?.testErrors ?? []),
                    cell(residual?.trainingLosses ?? []), cell(residual?.testErrors ?? []), "\(plain?.parameterCount ?? 0)"]
        }
        let seedNote = seeds > 1 ? "mean [min–max] over \(seeds) seeds" : "1 seed"
        return ResultTable(
            caption: "\(s.dataset): final training loss (cross-entropy on the whole training set) and test error against depth; "
                + "width \(s.width), hidden \(s.hidden), tanh, h = 1, LeCun-uniform init, Adam \(s.learningRate) "
                + "cosine, \(s.epochs) epochs, batch 32; \(seedNote)",
            columns: ["L", "plain ℓ_train", "plain test error", "residual ℓ_train", "residual test error", "parameters (both)"],
            rows: rows)
    }

    /// A sweep's parameters for a figure title: data, widths, training and seeds.
    static func sweepDescription(_ sweep: Sweep) -> String {
        "\(sweep.dataset): width \(sweep.width), hidden \(sweep.hidden), \(sweep.epochs) epochs, Adam η₀ = \(sweep.learningRate), "
            + "mean over seed(s) \(sweep.seeds.map(String.init).joined(separator: ", "))"
    }

    /// Final training loss against depth for both kinds on every data set (log–log).
    func lossFigure(_ results: [SweepResult]) -> Figure {
        let depths = Array(Set(results.flatMap(\.sweep.depths))).sorted()
        var columns = ["depth"]
        for r in results { columns += ["plain \(r.sweep.dataset)", "residual \(r.sweep.dataset)"] }
        let rows = depths.map { depth -> [Double] in
            [Double(depth)] + results.flatMap { r in
                [r.point(depth: depth, kind: .plain)?.trainingLoss ?? .nan, r.point(depth: depth, kind: .resnet)?.trainingLoss ?? .nan]
            }
        }
        let plots = results.enumerated().flatMap { k, r in
            ["DATA using 1:\(2 + 2 * k) with linespoints lw 2 pt \(4 + 2 * k) ps 1.5 dt 2 lc \(k + 1) title 'plain, \(r.sweep.dataset)'",
             "DATA using 1:\(3 + 2 * k) with linespoints lw 2 pt \(5 + 2 * k) ps 1.5 lc \(k + 1) title 'residual, \(r.sweep.dataset)'"]
        }
        return Figure(name: "training-loss-vs-depth",
                      title: "Final training loss against depth, plain (dashed) vs residual (solid); "
                        + results.map { He2016Degradation.sweepDescription($0.sweep) }.joined(separator: "; "),
                      columns: columns, rows: rows,
                      gnuplot: """
                      set logscale xy
                      set xtics (\(depths.map(String.init).joined(separator: ", ")))
                      set xlabel 'depth L (blocks, log scale)'
                      set ylabel 'final training loss (cross-entropy, nats)'
                      set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
                      set key below maxrows 2
                      plot \(plots.joined(separator: ", \\\n     "))
                      """)
    }

    /// Training loss per epoch of the shallowest and deepest nets of one sweep (He et al., Fig. 4).
    func curveFigure(_ r: SweepResult) -> Figure {
        let ends = Array(Set([r.sweep.depths.first ?? 1, r.sweep.depths.last ?? 1])).sorted()
        var columns = ["epoch"], series: [[Double]] = []
        for kind in [ResidualNetworkSpec.Kind.plain, .resnet] {
            for depth in ends {
                columns.append("\(kind == .plain ? "plain" : "residual") L=\(depth)")
                series.append(r.point(depth: depth, kind: kind)?.curve ?? [])
            }
        }
        let epochs = series.map(\.count).max() ?? 0
        let rows = (0..<epochs).map { e in [Double(e + 1)] + series.map { e < $0.count ? $0[e] : .nan } }
        let plots = columns.dropFirst().enumerated().map { k, name in
            "DATA using 1:\(k + 2) with linespoints pi \(Swift.max(epochs / 10, 1)) pt \(name.hasPrefix("plain") ? 4 + 2 * (k % ends.count) : 5 + 2 * (k % ends.count)) "
                + "lw 2 \(name.hasPrefix("plain") ? "dt 2" : "dt 1") lc \(k % ends.count + 1) title '\(name)'"
        }
        return Figure(name: "training-curves",
                      title: "Training loss per epoch, shallowest and deepest nets, plain (dashed) vs residual (solid); "
                        + He2016Degradation.sweepDescription(r.sweep),
                      columns: columns, rows: rows,
                      gnuplot: """
                      set logscale y
                      set xlabel 'epoch'
                      set ylabel 'training loss (cross-entropy, nats; mean over the epoch)'
                      set key below maxrows 2
                      plot \(plots.joined(separator: ", \\\n     "))
                      """)
    }
}
