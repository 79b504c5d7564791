// SPDX-License-Identifier: GPL-3.0-or-later
import ResidualNets
import TensorCore
import Training

/// Pre-activation against post-activation residual units (He, Zhang, Ren & Sun, ECCV 2016):
///
///     post-activation (original):  x_{l+1} = relu(x_l + BN(conv(relu(BN(conv(x_l))))))
///     pre-activation (proposed):   x_{l+1} = x_l + conv(relu(BN(conv(relu(BN(x_l))))))
///
/// With pre-activation the shortcut is a clean identity, `x_L = x_l + Σ_{i≥l} F_i(x_i)`, so both the
/// signal and the gradient `∂ℓ/∂x_l = ∂ℓ/∂x_L (1 + ∂/∂x_l Σ F_i)` pass between any two units
/// unchanged; the paper reports easier optimisation (lower training loss) and lower test error.
/// Measured here with convolutional ResNets on the 8×8 digits as `[N, 1, 8, 8]` images, the
/// same initial seed, data, optimiser and epochs for both units; also the shortcut
/// where the shape changes (projection, option B, vs zero padding, option A).
///
/// Reference: He, Zhang, Ren & Sun, "Identity mappings in deep residual networks", ECCV 2016,
/// Fig. 4 and Table 3; Papers/he2016-identity-mappings.
public struct He2016IdentityMappings: Paper {
    /// One network to train.
    public struct Variant: Sendable, Equatable {
        /// Short name for tables and figures.
        public var name: String
        public var preactivation: Bool
        public var shortcut: ConvolutionalResNetSpec.Shortcut
    }

    /// What one profile measures.
    public struct Settings: Sendable, Equatable {
        /// The depth `6n + 2` of every network and the channels of its three stages.
        public var depth: Int
        public var widths: [Int]
        public var variants: [Variant]
        /// Passes over the training images, Adam's initial learning rate (cosine-annealed to `η₀/100`).
        public var epochs: Int
        public var learningRate: Double
        /// Training and test images used (`nil`: all 1,437 / 360).
        public var trainingCount: Int?
        public var testCount: Int?
        /// One run per seed; results averaged.
        public var seeds: [UInt64]
    }

    /// The measured runs of one variant.
    public struct Outcome: Sendable, Equatable {
        public var variant: Variant
        /// Per seed: final training loss (mean over the last epoch), training error and test error.
        public var trainingLosses: [Double]
        public var trainingErrors: [Double]
        public var testErrors: [Double]
        /// Training loss per epoch of the first seed.
        public var lossCurve: [Double]
        public var parameterCount: Int

        static func mean(_ v: [Double]) -> Double { v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count) }
        public var trainingLoss: Double { Outcome.mean(trainingLosses) }
        public var trainingError: Double { Outcome.mean(trainingErrors) }
        public var testError: Double { Outcome.mean(testErrors) }
    }

    public let id = "he2016-identity-mappings"
    public let title = "Identity mappings: pre-activation residual units train at least as well as post-activation ones"
    public let claim = "Moving BN and ReLU before the convolutions (pre-activation, x_{l+1} = x_l + F(x_l) with a clean identity "
        + "path) makes deep ResNets easier to optimise than the original post-activation unit x_{l+1} = relu(x_l + F(x_l)): "
        + "ℓ_train(pre) ≤ ℓ_train(post) at the same depth and budget."
    public let source = "He, Zhang, Ren & Sun, \"Identity mappings in deep residual networks\", ECCV 2016, Fig. 4, Table 3"

    /// Pre-activation passes when its mean final training loss is at most this multiple of post-activation's.
    public static let lossRatioThreshold = 1.1

    public init() {}

    public func settings(for profile: Profile) -> Settings {
        let post = Variant(name: "post-activation, projection", preactivation: false, shortcut: .projection)
        let pre = Variant(name: "pre-activation, projection", preactivation: true, shortcut: .projection)
        let zero = Variant(name: "pre-activation, zero padding", preactivation: true, shortcut: .zeroPadding)
        switch profile {
        case .quick:
            return Settings(depth: 14, widths: [4, 8, 16], variants: [post, pre], epochs: 2, learningRate: 3e-3,
                            trainingCount: 192, testCount: 96, seeds: [3])
        case .full:
            return Settings(depth: 56, widths: [16, 32, 64], variants: [post, pre, zero], epochs: 20, learningRate: 1e-3,
                            trainingCount: nil, testCount: nil, seeds: [3, 4, 5])
        }
    }

    /// Trains every variant with every seed.
    /// - Throws: `ExperimentError.invalidArgument` for a depth not `6n + 2`, no seeds or fewer than two variants; training errors.
    public func measure(_ s: Settings, progress: @escaping @Sendable (String) -> Void) throws -> [Outcome] {
        guard s.depth >= 8, (s.depth - 2) % 6 == 0, !s.seeds.isEmpty, s.variants.count >= 2 else {
            throw ExperimentError.invalidArgument(name: "settings", value: "depth \(s.depth), \(s.seeds.count) seeds, \(s.variants.count) variants",
                                                  reason: "needs a depth 6n + 2, a seed and at least two variants")
        }
        let data = try ConvolutionalRuns.digits(trainingCount: s.trainingCount, testCount: s.testCount)
        return try s.variants.map { variant in
            progress("ResNet-\(s.depth) \(variant.name), \(s.seeds.count) seed(s), \(s.epochs) epochs")
            var outcome = Outcome(variant: variant, trainingLosses: [], trainingErrors: [], testErrors: [], lossCurve: [], parameterCount: 0)
            for seed in s.seeds {
                let spec = try ConvolutionalResNetSpec(inputChannels: 1, height: 8, width: 8, classes: 10,
                                                       blocksPerStage: (s.depth - 2) / 6, widths: s.widths, isResidual: true,
                                                       shortcut: variant.shortcut, preactivation: variant.preactivation)
                let curves = try ConvolutionalRuns.train(spec, on: data, epochs: s.epochs, learningRate: s.learningRate, seed: seed)
                outcome.trainingLosses.append(curves.trainingLosses.last ?? .nan)
                outcome.trainingErrors.append(curves.trainingErrors.last ?? .nan)
                outcome.testErrors.append(curves.testErrors.last ?? .nan)
                if outcome.lossCurve.isEmpty { outcome.lossCurve = curves.trainingLosses }
                outcome.parameterCount = curves.parameterCount
            }
            return outcome
        }
    }

    public func run(profile: Profile, progress: @escaping @Sendable (String) -> Void) throws -> PaperResult {
        let clock = Stopwatch()
        let s = settings(for: profile)
        return report(try measure(s, progress: progress), settings: s, profile: profile, seconds: clock.seconds)
    }

    /// `ℓ_train(pre)/ℓ_train(post)` of the first pre- and post-activation variants with projection shortcuts.
    public static func preToPostRatio(_ outcomes: [Outcome]) -> Double {
        guard let post = outcomes.first(where: { !$0.variant.preactivation }),
              let pre = outcomes.first(where: { $0.variant.preactivation && $0.variant.shortcut == post.variant.shortcut })
        else { return .nan }
        return pre.trainingLoss / post.trainingLoss
    }

    /// The verdict: pre-activation's final training loss at most `lossRatioThreshold` × post-activation's.
    public static func isReproduced(_ outcomes: [Outcome]) -> Bool { preToPostRatio(outcomes) <= lossRatioThreshold }

    func description(_ s: Settings) -> String {
        "ResNet-\(s.depth), widths \(s.widths.map(String.init).joined(separator: "/")), batch norm, ReLU, Adam η₀ = \(s.learningRate) "
            + "cosine, batch 32, \(s.epochs) epochs, \(s.trainingCount.map { "\($0)" } ?? "1437") training / "
            + "\(s.testCount.map { "\($0)" } ?? "360") test digits images, seed(s) \(s.seeds.map(String.init).joined(separator: ", "))"
    }

    public func report(_ outcomes: [Outcome], settings s: Settings, profile: Profile, seconds: Double = 0) -> PaperResult {
        let f = { (x: Double) in NumberFormat.significant(x) }
        let table = ResultTable(
            caption: "Final training loss (mean over the last epoch), training error and test error; " + description(s)
                + (s.seeds.count > 1 ? "; means over seeds" : ""),
            columns: ["unit", "training loss", "training error", "test error", "parameters"],
            rows: outcomes.map { [$0.variant.name, f($0.trainingLoss), f($0.trainingError), f($0.testError), "\($0.parameterCount)"] })
        let epochs = outcomes.map(\.lossCurve.count).max() ?? 0
        let rows = (0..<epochs).map { e in [Double(e + 1)] + outcomes.map { e < $0.lossCurve.count ? $0.lossCurve[e] : .nan } }
        let plots = outcomes.enumerated().map { k, o in
            "DATA using 1:\(k + 2) with linespoints lw 2 pt \(4 + k) \(o.variant.preactivation ? "dt 1" : "dt 2") lc \(k + 1) title '\(o.variant.name)'"
        }
        let figure = Figure(name: "training-loss-curves",
                            title: "Training loss per epoch, post-activation (dashed) vs pre-activation (solid) units; " + description(s),
                            columns: ["epoch"] + outcomes.map(\.variant.name), rows: rows,
                            gnuplot: """
                            set logscale y
                            set format y '%g'
                            set xlabel 'epoch'
                            set ylabel 'training loss (cross-entropy, nats; mean over the epoch)'
                            set key top right
                            plot \(plots.joined(separator: ", \\\n     "))
                            """)
        let ratio = He2016IdentityMappings.preToPostRatio(outcomes)
        let summary = outcomes.map { "\($0.variant.name): ℓ_train \(f($0.trainingLoss)), training error \(f($0.trainingError)), test error \(f($0.testError))" }
            .joined(separator: "; ") + ". ℓ_train(pre)/ℓ_train(post) = \(f(ratio)) (threshold ≤ \(f(He2016IdentityMappings.lossRatioThreshold)))."
        var numbers: [String: Double] = ["preToPostLossRatio": ratio]
        for (k, o) in outcomes.enumerated() {
            numbers["variant\(k).trainingLoss"] = o.trainingLoss
            numbers["variant\(k).testError"] = o.testError
        }
        return PaperResult(paper: self, profile: profile, tables: [table], figures: [figure],
                           verdict: Verdict(reproduced: He2016IdentityMappings.isReproduced(outcomes), summary: summary),
                           seconds: seconds, numbers: numbers)
    }
}
