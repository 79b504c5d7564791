// SPDX-License-Identifier: GPL-3.0-or-later
import DepthAnalysis
import Foundation
import ResidualNets
import NetworkLayers
import TensorCore
import Training

/// Residual networks behave like ensembles of relatively shallow networks. Unrolling
/// `x_{l+1} = x_l + G_l(x_l)` over `L` blocks gives `2^L` paths, one per subset of blocks
/// whose branch is taken, with lengths distributed Binomial(L, ½):
///
///     x_L = (I + G_{L−1})∘…∘(I + G_0)(x_0),   #paths of length k = C(L, k),   mean L/2, sd √L/2
///
/// Consequences measured on a trained network: deleting one block (`x_{l+1} = x_l`) removes
/// half the paths but leaves the error near the original, while deleting a block of a plain
/// network `x_{l+1} = F_l(x_l)` (every path goes through every block) destroys it; deleting `k`
/// random blocks or swapping blocks degrades the error smoothly with `k`; and the gradient
/// `∂ℓ/∂x_0 = Σ_S g_S` is carried mostly by short paths, `|S| ≪ L/2`.
///
/// Measured on digits with an untied tanh ResNet (`h = 1`) and a plain network of the same depth,
/// both trained with the recipe of `ClassifierRuns` (LeCun-uniform initial weights). Errors are
/// test errors of `readout(chain(embed(x)))` with the lesioned chain; path gradients use
/// `PathGradientDistribution` on training samples with the cross-entropy loss.
///
/// Reference: Veit, Wilber & Belongie, "Residual networks behave like ensembles of relatively
/// shallow networks", NeurIPS 2016, §3–5, Figs. 3–6; Papers/veit2016-ensembles.
public struct Veit2016Ensembles: Paper {
    /// What one profile measures.
    public struct Settings: Sendable, Equatable {
        /// `L`, the depth of the residual network.
        public var depth: Int
        /// The depth of the plain network: one that still trains (a plain net as deep as the
        /// ResNet does not, see he2016-degradation), as Veit et al. compare VGG-15 with ResNet-110.
        public var plainDepth: Int
        /// The state width `d` and the hidden width `m` of every block.
        public var width: Int, hidden: Int
        /// `h` of the residual blocks.
        public var stepSize: Double
        /// The factor applied to PyTorch's default initial weight matrices (√3: LeCun-uniform).
        public var initialGain: Double
        /// Epochs, Adam's initial learning rate (cosine-annealed to 1 %) and the seed of both networks.
        public var epochs: Int
        public var learningRate: Double
        public var seed: UInt64
        /// Numbers of random blocks deleted at once (Fig. 5a) …
        public var deletionCounts: [Int]
        /// … and numbers of random pair swaps (Fig. 5b) …
        public var swapCounts: [Int]
        /// … each evaluated on this many random lesions.
        public var lesionSamples: Int
        /// Paths drawn per length when `C(L, k)` exceeds it (else all are enumerated).
        public var pathSamplesPerLength: Int
        /// Training samples on which path gradients are measured.
        public var pathBatch: Int
    }

    /// Mean and standard deviation of the test error over random lesions of one size.
    public struct LesionPoint: Sendable, Equatable {
        /// `k`, and the mean and population standard deviation of the test error over the lesions.
        public var size: Int
        public var mean: Double
        public var standardDeviation: Double
    }

    /// Everything measured.
    public struct Measurement: Sendable, Equatable {
        /// The settings measured.
        public var settings: Settings
        /// Test error of the intact residual and plain networks.
        public var residualError: Double, plainError: Double
        /// Test error with block `l` deleted, `l = 0..<L`.
        public var residualSingleDeletions: [Double], plainSingleDeletions: [Double]
        /// Test error with `k` random blocks deleted.
        public var residualRandomDeletions: [LesionPoint], plainRandomDeletions: [LesionPoint]
        /// Test error after `k` random swaps of two blocks.
        public var residualSwaps: [LesionPoint]
        /// `C(L, k)/2^L`.
        public var pathLengthFractions: [Double]
        /// Mean gradient norm of one path of each length, and the total carried by each length.
        public var pathMeanGradients: [Double], pathTotalGradients: [Double]
        /// The length carrying the most gradient, and the shortest range of lengths carrying 90 % of it.
        public var dominantPathLength: Int
        /// The shortest range of lengths carrying `effectiveMassFraction` of the total gradient.
        public var effectivePathLengths: ClosedRange<Int>

        /// The median over blocks of the residual net's error increase when that block is deleted.
        public var medianResidualIncrease: Double { Veit2016Ensembles.median(residualSingleDeletions.map { $0 - residualError }) }
        /// The smallest error increase over the plain net's single deletions.
        public var smallestPlainIncrease: Double { (plainSingleDeletions.map { $0 - plainError }).min() ?? .nan }
    }

    /// Single deletions: the median residual error increase must stay below this (fraction of test samples) …
    public static let residualIncreaseThreshold = 0.05
    /// … while every plain deletion must raise the error by at least this.
    public static let plainIncreaseThreshold = 0.3
    /// Random deletions degrade smoothly: the mean error may fall from one `k` to the next by at most this (sampling noise) …
    public static let monotonicTolerance = 0.03
    /// … and deleting one block may cause at most this fraction of the rise from `k = 0` to the largest `k`
    /// (a plain network, destroyed by the first deletion, has a fraction near 1).
    public static let firstStepFraction = 0.5
    /// The share of the total gradient the effective path lengths carry.
    public static let effectiveMassFraction = 0.9

    /// The folder and command-line key.
    public let id = "veit2016-ensembles"
    /// A short title.
    public let title = "Residual networks behave like ensembles of relatively shallow networks"
    /// The claim, with the path count.
    public let claim = "A residual network x_{l+1} = x_l + G_l(x_l) unrolls into 2^L paths whose lengths follow Binomial(L, ½); "
        + "deleting one block removes half of them yet leaves the test error near the original (a plain network is destroyed), "
        + "the error grows smoothly with the number of deleted or swapped blocks, and the gradient ∂ℓ/∂x_0 = Σ_S g_S is carried "
        + "mostly by paths much shorter than L/2."
    /// The source and its figures.
    public let source = "Veit, Wilber & Belongie, \"Residual networks behave like ensembles of relatively shallow networks\", "
        + "NeurIPS 2016, §3–5, Figs. 3–6"

    /// The reproduction with the settings of `settings(for:)`.
    public init() {}

    /// The settings of a profile.
    public func settings(for profile: Profile) -> Settings {
        switch profile {
        case .quick:
            return Settings(depth: 16, plainDepth: 8, width: 16, hidden: 32, stepSize: 0.5, initialGain: 3.0.squareRoot(),
                            epochs: 15, learningRate: 2e-3, seed: 1,
                            deletionCounts: [0, 1, 2, 3, 4, 5, 6], swapCounts: [0, 1, 2, 4], lesionSamples: 16,
                            pathSamplesPerLength: 10, pathBatch: 64)
        case .full:
            return Settings(depth: 54, plainDepth: 8, width: 16, hidden: 32, stepSize: 0.5, initialGain: 3.0.squareRoot(),
                            epochs: 30, learningRate: 2e-3, seed: 1,
                            deletionCounts: Array(0...20), swapCounts: [0, 1, 2, 4, 8, 16, 24], lesionSamples: 50,
                            pathSamplesPerLength: 200, pathBatch: 256)
        }
    }

    /// Trains both networks and runs every lesion study.
    /// - Throws: training and analysis errors; `ExperimentError.nonFinite` for a non-finite error.
    public func measure(_ s: Settings, progress: @escaping @Sendable (String) -> Void) throws -> Measurement {
        let data = try ClassifierRuns.digits()
        func trained(_ kind: ResidualNetworkSpec.Kind) throws -> Classifier<ResidualNetwork> {
            let depth = kind == .plain ? s.plainDepth : s.depth
            progress("training the \(kind.rawValue) network, L = \(depth), \(s.epochs) epochs")
            let spec = try ResidualNetworkSpec(kind: kind, dimension: s.width, hidden: s.hidden, depth: depth,
                                               stepSize: s.stepSize)
            let body = try ClassifierRuns.scalingWeights(of: ResidualNetwork(spec: spec, seed: s.seed), by: s.initialGain)
            var classifier = try Classifier(inputWidth: data.train.featureCount, stateWidth: s.width,
                                            outputs: data.train.classCount, embedding: .linear, body: body, seed: s.seed)
            _ = try ClassifierRuns.train(&classifier, on: data, epochs: s.epochs, learningRate: s.learningRate, seed: s.seed + 100)
            return classifier
        }
        let residual = try trained(.resnet), plain = try trained(.plain)
        let residualLesions = try LesionedClassifier(residual, on: data.test)
        let plainLesions = try LesionedClassifier(plain, on: data.test)

        progress("deleting single blocks")
        let residualSingles = try LesionStudy.deletingEachBlock(of: residualLesions.chain, evaluate: residualLesions.testError)
        let plainSingles = try LesionStudy.deletingEachBlock(of: plainLesions.chain, evaluate: plainLesions.testError)

        progress("deleting random sets of blocks and swapping blocks")

        func points(_ summaries: [LesionSummary]) -> [LesionPoint] {
            summaries.map { LesionPoint(size: $0.size, mean: $0.mean, standardDeviation: $0.standardDeviation) }
        }
        let residualRandom = try LesionStudy.deletingRandomBlocks(from: residualLesions.chain,
                                                                   counts: s.deletionCounts.filter { $0 <= s.depth },
                                                                   samples: s.lesionSamples, seed: s.seed + 1,
                                                                   evaluate: residualLesions.testError)
        let plainRandom = try LesionStudy.deletingRandomBlocks(from: plainLesions.chain,
                                                                counts: s.deletionCounts.filter { $0 <= s.plainDepth },
                                                                samples: s.lesionSamples, seed: s.seed + 1,
                                                                evaluate: plainLesions.testError)
        let swaps = try LesionStudy.swappingRandomBlocks(of: residualLesions.chain, swapCounts: s.swapCounts,
                                                         samples: s.lesionSamples, seed: s.seed + 2,
                                                         evaluate: residualLesions.testError)

        progress("gradient per path length (\(s.pathSamplesPerLength) paths per length)")
        let batch = try data.train.subset(Array(0..<Swift.min(s.pathBatch, data.train.count)))
        let x0 = try residualLesions.embedded(batch.inputs)
        let (weight, bias, labels) = (residualLesions.readoutWeight, residualLesions.readoutBias, batch.labels)
        let paths = try PathGradientDistribution(
            of: residualLesions.chain, at: x0,
            loss: { try Loss.softmaxCrossEntropy(logits: Variable.linear($0, weight: Variable(weight), bias: Variable(bias)), labels: labels) },
            samplesPerLength: s.pathSamplesPerLength, seed: s.seed + 3)

        let measurement = Measurement(
            settings: s, residualError: try residualLesions.testError(residualLesions.chain),
            plainError: try plainLesions.testError(plainLesions.chain),
            residualSingleDeletions: residualSingles.map(\.value), plainSingleDeletions: plainSingles.map(\.value),
            residualRandomDeletions: points(residualRandom), plainRandomDeletions: points(plainRandom),
            residualSwaps: points(swaps), pathLengthFractions: try PathLengthDistribution(depth: s.depth).fractions,
            pathMeanGradients: paths.meanMagnitudes, pathTotalGradients: paths.totalMagnitudes,
            dominantPathLength: paths.dominantLength,
            effectivePathLengths: try paths.effectivePathLengths(massFraction: Veit2016Ensembles.effectiveMassFraction))
        let all = [measurement.residualError, measurement.plainError] + measurement.residualSingleDeletions
            + measurement.plainSingleDeletions + measurement.pathTotalGradients
        guard all.allSatisfy(\.isFinite) else { throw ExperimentError.nonFinite(what: "a lesion error or path gradient") }
        return measurement
    }

    /// Trains, lesions and reports (`measure` then `report`).
    public func run(profile: Profile, progress: @escaping @Sendable (String) -> Void) throws -> PaperResult {
        let clock = Stopwatch()
        let measurement = try measure(settings(for: profile), progress: progress)
        return report(measurement, profile: profile, seconds: clock.seconds)
    }

    /// Whether the mean errors over `k` rise smoothly: they rise overall, never fall by more than
    /// `monotonicTolerance` from one `k` to the next, and the first deletion causes at most
    /// `firstStepFraction` of the total rise.
    public static func risesSmoothly(_ points: [LesionPoint]) -> Bool {
        let means = points.map(\.mean)
        guard means.count >= 3, let last = means.last else { return false }
        let rise = last - means[0]
        let steps = zip(means.dropFirst(), means).map { $0 - $1 }
        return rise > 0 && steps.allSatisfy { $0 >= -monotonicTolerance } && steps[0] <= firstStepFraction * rise
    }

    /// The fraction of the rise from `k = 0` to the largest `k` caused by deleting one block.
    public static func firstStepShare(_ points: [LesionPoint]) -> Double {
        guard points.count >= 2, let last = points.last else { return .nan }
        return (points[1].mean - points[0].mean) / (last.mean - points[0].mean)
    }

    /// The verdict's four conditions.
    public static func conditions(_ m: Measurement) -> (single: Bool, plain: Bool, smooth: Bool, shortPaths: Bool) {
        let half = Double(m.settings.depth) / 2
        return (m.medianResidualIncrease <= residualIncreaseThreshold,
                m.smallestPlainIncrease >= plainIncreaseThreshold,
                risesSmoothly(m.residualRandomDeletions),
                Double(m.effectivePathLengths.upperBound) < half)
    }

    /// Tables, figures and the verdict from the measurement.
    public func report(_ m: Measurement, profile: Profile, seconds: Double = 0) -> PaperResult {
        let s = m.settings
        let c = Veit2016Ensembles.conditions(m)
        let f = { (x: Double) in NumberFormat.significant(x) }
        let worst = m.residualSingleDeletions.max() ?? .nan
        let kMax = m.residualRandomDeletions.last
        let summary = "Deleting one block of the trained ResNet (L = \(s.depth), test error \(f(m.residualError))) raises the "
            + "error by \(f(m.medianResidualIncrease)) at the median block (≤ \(f(Veit2016Ensembles.residualIncreaseThreshold)); worst block "
            + "\(f(worst))), while every deletion in the plain net (error \(f(m.plainError))) raises it by ≥ \(f(m.smallestPlainIncrease)) "
            + "(threshold ≥ \(f(Veit2016Ensembles.plainIncreaseThreshold))). Deleting k random blocks: mean error \(f(m.residualError)) → "
            + "\(f(kMax?.mean ?? .nan)) at k = \(kMax?.size ?? 0), the first deletion causing \(f(Veit2016Ensembles.firstStepShare(m.residualRandomDeletions))) "
            + "of the rise (plain: \(f(Veit2016Ensembles.firstStepShare(m.plainRandomDeletions)))); smooth (share ≤ "
            + "\(f(Veit2016Ensembles.firstStepFraction)), no fall > \(f(Veit2016Ensembles.monotonicTolerance))): \(c.smooth ? "yes" : "no"). Gradient per path "
            + "length peaks at k = \(m.dominantPathLength); \(Int(Veit2016Ensembles.effectiveMassFraction * 100)) % of it is carried by "
            + "lengths \(m.effectivePathLengths.lowerBound)…\(m.effectivePathLengths.upperBound) (< L/2 = \(f(Double(s.depth) / 2)): "
            + "\(c.shortPaths ? "yes" : "no"))."
        let reproduced = c.single && c.plain && c.smooth && c.shortPaths
        return PaperResult(paper: self, profile: profile,
                           tables: [singleTable(m), randomTable(m), pathTable(m)],
                           figures: [singleFigure(m), randomFigure(m), pathFigure(m)],
                           verdict: Verdict(reproduced: reproduced, summary: summary), seconds: seconds,
                           numbers: ["residualError": m.residualError, "plainError": m.plainError,
                                     "medianResidualIncrease": m.medianResidualIncrease,
                                     "worstResidualIncrease": worst - m.residualError,
                                     "smallestPlainIncrease": m.smallestPlainIncrease,
                                     "residualFirstDeletionShare": Veit2016Ensembles.firstStepShare(m.residualRandomDeletions),
                                     "plainFirstDeletionShare": Veit2016Ensembles.firstStepShare(m.plainRandomDeletions),
                                     "residualErrorAtLargestDeletion": kMax?.mean ?? .nan,
                                     "dominantPathLength": Double(m.dominantPathLength),
                                     "effectivePathLengthLower": Double(m.effectivePathLengths.lowerBound),
                                     "effectivePathLengthUpper": Double(m.effectivePathLengths.upperBound),
                                     "depth": Double(s.depth)])
    }

    func singleTable(_ m: Measurement) -> ResultTable {
        let f = { (x: Double) in NumberFormat.significant(x) }
        let s = m.settings
        let rows = (0..<Swift.max(s.depth, s.plainDepth)).map { l -> [String] in
            let residual = l < s.depth ? [f(m.residualSingleDeletions[l]), f(m.residualSingleDeletions[l] - m.residualError)] : ["–", "–"]
            let plain = l < s.plainDepth ? [f(m.plainSingleDeletions[l]), f(m.plainSingleDeletions[l] - m.plainError)] : ["–", "–"]
            return ["\(l)"] + residual + plain
        }
        return ResultTable(
            caption: "Test error with one block deleted (digits; residual L = \(s.depth), h = \(s.stepSize); plain L = \(s.plainDepth); "
                + "width \(s.width), hidden \(s.hidden), \(s.epochs) epochs); intact: residual \(f(m.residualError)), plain \(f(m.plainError))",
            columns: ["deleted block", "residual error", "residual increase", "plain error", "plain increase"],
            rows: rows)
    }

    func randomTable(_ m: Measurement) -> ResultTable {
        let sizes = Array(Set(m.residualRandomDeletions.map(\.size) + m.residualSwaps.map(\.size))).sorted()
        let rows = sizes.map { k -> [String] in
            let r = m.residualRandomDeletions.first { $0.size == k }, p = m.plainRandomDeletions.first { $0.size == k }
            let w = m.residualSwaps.first { $0.size == k }
            let cell = { (q: LesionPoint?) in
                q.map { "\(NumberFormat.fixed($0.mean, decimals: 3)) ± \(NumberFormat.fixed($0.standardDeviation, decimals: 3))" } ?? "–"
            }
            return ["\(k)", cell(r), cell(p), cell(w)]
        }
        return ResultTable(
            caption: "Mean ± sd test error over \(m.settings.lesionSamples) random lesions: k blocks deleted, or k random swaps of two blocks",
            columns: ["k", "residual, k deleted", "plain, k deleted", "residual, k swaps"], rows: rows)
    }

    func pathTable(_ m: Measurement) -> ResultTable {
        let total = m.pathTotalGradients.reduce(0, +)
        let rows = m.pathLengthFractions.indices.map { k in
            ["\(k)", NumberFormat.significant(m.pathLengthFractions[k]), NumberFormat.scientific(m.pathMeanGradients[k], digits: 2),
             NumberFormat.significant(total > 0 ? m.pathTotalGradients[k] / total : .nan)]
        }
        return ResultTable(
            caption: "Paths of the trained ResNet by length k: share of all 2^L paths (Binomial(L, ½)), mean ‖g_S‖ of one path, "
                + "and share of the total gradient magnitude Σ_k C(L,k)·m_k (\(m.settings.pathSamplesPerLength) paths sampled per "
                + "length, \(m.settings.pathBatch) training samples)",
            columns: ["length k", "share of paths", "mean ‖g_S‖ per path", "share of gradient"], rows: rows)
    }

    /// The parameters a reader needs under every figure: data, both networks and their training.
    func figureParameters(_ s: Settings) -> String {
        "8×8 digits; residual L = \(s.depth), h = \(s.stepSize); plain L = \(s.plainDepth); width \(s.width), hidden \(s.hidden); "
            + "\(s.epochs) epochs, seed \(s.seed)"
    }

    func singleFigure(_ m: Measurement) -> Figure {
        let s = m.settings
        let rows = (0..<Swift.max(s.depth, s.plainDepth)).map { l in
            [Double(l), l < s.depth ? m.residualSingleDeletions[l] : .nan, l < s.plainDepth ? m.plainSingleDeletions[l] : .nan,
             m.residualError, m.plainError]
        }
        return Figure(name: "single-deletions", title: "Test error after deleting one block (\(figureParameters(s)))",
                      columns: ["deleted block", "residual", "plain", "residual intact", "plain intact"], rows: rows,
                      gnuplot: """
                      set xlabel 'deleted block l (0 = first)'
                      set ylabel 'test error (fraction misclassified)'
                      set yrange [0:1]
                      set offsets 0.3, 0.3, 0, 0
                      set key below maxrows 2
                      plot DATA using 1:2 with linespoints lw 2 pt 7 lc 1 title 'residual', \\
                           DATA using 1:3 with linespoints lw 2 pt 5 lc 2 title 'plain', \\
                           DATA using 1:4 with lines dt 2 lc 1 title 'residual intact', \\
                           DATA using 1:5 with lines dt 2 lc 2 title 'plain intact'
                      """)
    }

    func randomFigure(_ m: Measurement) -> Figure {
        let sizes = Array(Set(m.residualRandomDeletions.map(\.size) + m.residualSwaps.map(\.size))).sorted()
        let rows = sizes.map { k -> [Double] in
            let r = m.residualRandomDeletions.first { $0.size == k }, p = m.plainRandomDeletions.first { $0.size == k }
            let w = m.residualSwaps.first { $0.size == k }
            return [Double(k), r?.mean ?? .nan, r?.standardDeviation ?? .nan, p?.mean ?? .nan, p?.standardDeviation ?? .nan,
                    w?.mean ?? .nan, w?.standardDeviation ?? .nan]
        }
        let s = m.settings
        return Figure(name: "random-lesions",
                      title: "Test error against the number of deleted blocks or swaps, mean ± 1 sd over \(s.lesionSamples) random lesions "
                        + "(\(figureParameters(s)))",
                      columns: ["k", "residual deleted", "residual deleted sd", "plain deleted", "plain deleted sd",
                                "residual swaps", "residual swaps sd"],
                      rows: rows,
                      gnuplot: """
                      set xlabel 'k (blocks deleted, or pair swaps)'
                      set ylabel 'test error (fraction misclassified)'
                      set yrange [0:1]
                      set offsets 0.2, 0.2, 0, 0
                      set key below maxrows 2
                      plot DATA using ($1 - 0.05):2:3 with yerrorlines lw 2 pt 7 lc 1 title 'residual, k deleted', \\
                           DATA using 1:4:5 with yerrorlines lw 2 pt 5 lc 2 title 'plain, k deleted', \\
                           DATA using ($1 + 0.05):6:7 with yerrorlines lw 2 pt 9 dt 2 lc 3 title 'residual, k swaps (x shifted by 0.05)'
                      """)
    }

    func pathFigure(_ m: Measurement) -> Figure {
        let total = m.pathTotalGradients.reduce(0, +)
        let rows = m.pathLengthFractions.indices.map { k in
            [Double(k), m.pathLengthFractions[k], m.pathMeanGradients[k], total > 0 ? m.pathTotalGradients[k] / total : .nan]
        }
        let s = m.settings
        return Figure(name: "path-lengths",
                      title: "Paths of the residual net by length k and the gradient they carry (\(s.pathSamplesPerLength) paths per length, "
                        + "\(s.pathBatch) training samples; \(figureParameters(s)))",
                      columns: ["length", "share of paths", "mean gradient per path", "share of gradient"], rows: rows,
                      gnuplot: """
                      set xlabel 'path length k (residual branches on the path)'
                      set ylabel 'share (of all 2^L paths, or of the total gradient)'
                      set y2label 'mean ‖g_S‖ per path (log scale)'
                      set logscale y2
                      set y2tics
                      set ytics nomirror
                      set key below maxrows 2
                      plot DATA using 1:2 with linespoints lw 2 pt 7 lc 1 title 'share of paths (Binomial(L, 1/2))', \\
                           DATA using 1:4 with linespoints lw 2 pt 5 lc 2 title 'share of gradient', \\
                           DATA using 1:3 axes x1y2 with linespoints lw 2 pt 9 dt 2 lc 3 title 'gradient per path (right axis)'
                      """, size: Figure.Size(width: 1000, height: 650))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
