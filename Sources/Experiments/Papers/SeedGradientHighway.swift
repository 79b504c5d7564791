// SPDX-License-Identifier: GPL-3.0-or-later
import DepthAnalysis
import Foundation
import ResidualNets
import TensorCore
import Training

/// The gradient highway: through a residual block `y = x + h·F(x)` the chain rule gives
///
///     ∂ℓ/∂x = ∂ℓ/∂y·(I + h·∂F/∂x) = ∂ℓ/∂y  +  h·∂ℓ/∂y·∂F/∂x
///
/// so the identity term carries the output gradient to every layer undiminished, whereas a
/// plain stack `y = F(x)` multiplies it by `L` Jacobians `∂F/∂x` and it vanishes geometrically.
/// Measured on an untied tanh ResNet (`d = 4`, hidden 16, `h = 1/L`, PyTorch initialisation) and
/// its plain twin with the same `F_l` (the same weights), `GradientFlow.compareWithPlainTwin`.
///
/// Reference: He, Zhang, Ren & Sun, "Identity mappings in deep residual networks", ECCV 2016,
/// eq. (4)–(5); Papers/seed-gradient-highway.
public struct SeedGradientHighway: Paper {
    /// What one profile measures.
    public struct Settings: Sendable, Equatable {
        /// The depths `L` compared.
        public var depths: [Int]
        /// The depth whose identity/residual split is tabulated.
        public var splitDepth: Int
        /// States `[batch, d]`.
        public var batch: Int, dimension: Int, hidden: Int
        /// Independent draws of weights and data; the verdict must hold for every one.
        public var seeds: Int
    }

    /// Depths at or beyond which the plain gradient must have vanished.
    public static let vanishingDepth = 50
    /// `‖∂ℓ/∂x_0‖_plain / ‖∂ℓ/∂x_0‖_residual` must be below this at `L ≥ vanishingDepth`.
    public static let ratioThreshold = 1e-3
    /// `‖∂ℓ/∂x_0‖ / ‖∂ℓ/∂x_L‖` of the residual net must lie in this range at every depth (O(1)).
    public static let residualRange = 0.1...10.0

    /// The folder name under `Papers/` and the command-line key.
    public let id = "seed-gradient-highway"
    /// A short title.
    public let title = "The gradient highway: ∂ℓ/∂x = ∂ℓ/∂y·(1 + ∂F/∂x)"
    /// The claim, with its equation.
    public let claim = "Through a residual block y = x + h·F(x), ∂ℓ/∂x = ∂ℓ/∂y·(I + h·∂F/∂x): the identity term carries "
        + "∂ℓ/∂y to every layer unchanged, so the input gradient of a residual network stays O(1) in depth, while the "
        + "plain network y = F(x) with the same F multiplies L Jacobians and its early-layer gradient vanishes geometrically."
    /// The sources, with sections.
    public let source = "He, Zhang, Ren & Sun, \"Identity mappings in deep residual networks\", ECCV 2016, §3, eq. (4)–(5)"

    /// The reproduction; the profile passed to `run` chooses how much it measures.
    public init() {}

    /// The settings of a profile.
    public func settings(for profile: Profile) -> Settings {
        switch profile {
        case .quick: return Settings(depths: [10, 50], splitDepth: 50, batch: 8, dimension: 4, hidden: 16, seeds: 1)
        case .full: return Settings(depths: [10, 25, 50, 100, 200], splitDepth: 100, batch: 8, dimension: 4, hidden: 16, seeds: 10)
        }
    }

    /// Measures the profile\'s settings and judges the claim against the thresholds above.
    public func run(profile: Profile, progress: @escaping @Sendable (String) -> Void) throws -> PaperResult {
        let clock = Stopwatch()
        let s = settings(for: profile)
        guard s.seeds >= 1, !s.depths.isEmpty else {
            throw ExperimentError.invalidArgument(name: "settings", value: "\(s.seeds) seeds, depths \(s.depths)",
                                                  reason: "needs at least one seed and one depth")
        }
        // comparisons[k][i]: seed k, depth s.depths[i]. Seed 0 is the one tabulated and plotted.
        var comparisons: [[(depth: Int, flow: GradientFlowComparison)]] = []
        for k in 0..<s.seeds {
            var generator = SeededGenerator(seed: 8 &+ 100 &* UInt64(k))
            let x = try Tensor.randomNormal([s.batch, s.dimension], using: &generator)
            let y = try Tensor.randomNormal([s.batch, s.dimension], using: &generator)
            let loss: StateLoss = { try Loss.meanSquaredError($0, targets: y) }
            var perDepth: [(depth: Int, flow: GradientFlowComparison)] = []
            for depth in s.depths {
                progress("seed \(k + 1)/\(s.seeds), depth \(depth): residual net and its plain twin")
                let spec = try ResidualNetworkSpec(dimension: s.dimension, hidden: s.hidden, depth: depth)
                let network = try ResidualNetwork(spec: spec, seed: 7 &+ 100 &* UInt64(k))
                perDepth.append((depth, try GradientFlow.compareWithPlainTwin(try BlockChain(network), at: x, loss: loss)))
            }
            comparisons.append(perDepth)
        }

        // Identity + residual = total, block by block, at every depth and seed.
        var worstSplitError = 0.0
        for (_, flow) in comparisons.joined() {
            for profileOfNet in [flow.residual, flow.plain] {
                for split in profileOfNet.splits {
                    let sum = try split.identityPart + split.residualPart
                    worstSplitError = Swift.max(worstSplitError, try (sum - split.total).l2Norm() / Swift.max(split.total.l2Norm(), .leastNormalMagnitude))
                }
            }
        }

        var deepRatios: [Double] = [], residualAttenuations: [Double] = []
        var ratiosByDepth: [Int: [Double]] = [:], attenuationsByDepth: [Int: [Double]] = [:]
        for (depth, flow) in comparisons.joined() {
            let r = flow.residual.gradientNorms, p = flow.plain.gradientNorms
            guard (r + p).allSatisfy(\.isFinite) else { throw ExperimentError.nonFinite(what: "a gradient norm at depth \(depth)") }
            let ratio = p[0] / r[0], attenuation = r[0] / r[depth]
            if depth >= SeedGradientHighway.vanishingDepth { deepRatios.append(ratio) }
            residualAttenuations.append(attenuation)
            ratiosByDepth[depth, default: []].append(ratio)
            attenuationsByDepth[depth, default: []].append(attenuation)
        }
        let depthTable = ResultTable(
            caption: "Gradient norms at the output x_L and the input x_0 (h = 1/L, batch \(s.batch), d = \(s.dimension), hidden \(s.hidden)"
                + (s.seeds > 1 ? "; first of \(s.seeds) seeds)" : ")"),
            columns: ["L", "residual ‖∂ℓ/∂x_L‖", "residual ‖∂ℓ/∂x_0‖", "residual x_0/x_L", "plain ‖∂ℓ/∂x_L‖",
                      "plain ‖∂ℓ/∂x_0‖", "plain x_0/x_L", "plain/residual at x_0"],
            rows: comparisons[0].map { depth, flow in
                let r = flow.residual.gradientNorms, p = flow.plain.gradientNorms
                return ["\(depth)", NumberFormat.significant(r[depth]), NumberFormat.significant(r[0]),
                        NumberFormat.significant(r[0] / r[depth]), NumberFormat.significant(p[depth]), NumberFormat.significant(p[0]),
                        NumberFormat.significant(p[0] / p[depth]), NumberFormat.scientific(p[0] / r[0], digits: 2)]
            })
        var tables = [depthTable]
        if s.seeds > 1 {
            tables.append(ResultTable(
                caption: "Over \(s.seeds) seeds of weights and data: the largest plain/residual ratio at x_0 and the range of the "
                    + "residual net's ‖∂ℓ/∂x_0‖/‖∂ℓ/∂x_L‖",
                columns: ["L", "max plain/residual at x_0", "min residual x_0/x_L", "max residual x_0/x_L"],
                rows: s.depths.map { depth in
                    ["\(depth)", NumberFormat.scientific(ratiosByDepth[depth]?.max() ?? .nan, digits: 2),
                     NumberFormat.significant(attenuationsByDepth[depth]?.min() ?? .nan),
                     NumberFormat.significant(attenuationsByDepth[depth]?.max() ?? .nan)]
                }))
        }

        guard let splitCase = comparisons[0].first(where: { $0.depth == s.splitDepth }) ?? comparisons[0].last else {
            throw ExperimentError.invalidArgument(name: "depths", value: "[]", reason: "needs at least one depth")
        }
        let splitTable = splitTable(splitCase.flow, depth: splitCase.depth, worstSplitError: worstSplitError)

        progress("figure")
        let figure = gradientFigure(comparisons[0], settings: s)

        let worstRatio = deepRatios.max() ?? .nan
        let attenuationRange = (lowerBound: residualAttenuations.min() ?? .nan, upperBound: residualAttenuations.max() ?? .nan)
        let reproduced = !deepRatios.isEmpty && worstRatio < SeedGradientHighway.ratioThreshold
            && SeedGradientHighway.residualRange.contains(attenuationRange.lowerBound)
            && SeedGradientHighway.residualRange.contains(attenuationRange.upperBound)
            && worstSplitError <= 1e-12
        let summary = "At L ≥ \(SeedGradientHighway.vanishingDepth) the plain net's ‖∂ℓ/∂x_0‖ is at most "
            + "\(NumberFormat.scientific(worstRatio, digits: 2)) × the residual net's (threshold < \(NumberFormat.scientific(SeedGradientHighway.ratioThreshold, digits: 1))); "
            + "the residual net keeps ‖∂ℓ/∂x_0‖/‖∂ℓ/∂x_L‖ in [\(NumberFormat.significant(attenuationRange.lowerBound)), "
            + "\(NumberFormat.significant(attenuationRange.upperBound))] for L = \(s.depths.map(String.init).joined(separator: ", "))"
            + (s.seeds > 1 ? " over \(s.seeds) seeds " : " ")
            + "(O(1): within [0.1, 10]); identity + residual = total to \(NumberFormat.scientific(worstSplitError, digits: 1))."
        return PaperResult(paper: self, profile: profile, tables: tables + [splitTable], figures: [figure],
                           verdict: Verdict(reproduced: reproduced, summary: summary), seconds: clock.seconds,
                           numbers: ["plainToResidualGradientRatio": worstRatio, "residualAttenuationMinimum": attenuationRange.lowerBound,
                                     "residualAttenuationMaximum": attenuationRange.upperBound, "splitRelativeError": worstSplitError])
    }

    /// The split `∂ℓ/∂x_l = identity + residual` at a few blocks of one depth.
    func splitTable(_ flow: GradientFlowComparison, depth: Int, worstSplitError: Double) -> ResultTable {
        let blocks = Array(Set([0, depth / 4, depth / 2, 3 * depth / 4, depth - 1])).sorted()
        let rows = blocks.map { l -> [String] in
            let identity = flow.residual.identityNorms[l], residual = flow.residual.residualNorms[l]
            return ["\(l)", NumberFormat.significant(flow.residual.gradientNorms[l]), NumberFormat.significant(identity),
                    NumberFormat.significant(residual), NumberFormat.significant(residual / identity),
                    NumberFormat.significant(flow.plain.gradientNorms[l])]
        }
        return ResultTable(
            caption: "The split at depth L = \(depth): ∂ℓ/∂x_l = ∂ℓ/∂x_{l+1} (identity) + h·∂ℓ/∂x_{l+1}·∂F_l/∂x (residual); "
                + "largest relative error of identity + residual against the block's own VJP, over every block and depth: "
                + NumberFormat.scientific(worstSplitError, digits: 1),
            columns: ["block l", "‖∂ℓ/∂x_l‖", "‖identity part‖", "‖residual part‖", "residual/identity", "plain ‖∂ℓ/∂x_l‖ (no identity part)"],
            rows: rows)
    }

    /// `‖∂ℓ/∂x_l‖` against `l` for both nets at every depth (log y).
    func gradientFigure(_ comparisons: [(depth: Int, flow: GradientFlowComparison)], settings: Settings) -> Figure {
        let maxDepth = comparisons.map(\.depth).max() ?? 0
        var columns = ["layer"]
        for (depth, _) in comparisons { columns += ["residual L=\(depth)", "plain L=\(depth)"] }
        let rows = (0...maxDepth).map { l -> [Double] in
            var row = [Double(l)]
            for (depth, flow) in comparisons {
                let positive = { (v: Double) in v > 0 ? v : .nan }
                row += l <= depth ? [positive(flow.residual.gradientNorms[l]), positive(flow.plain.gradientNorms[l])] : [.nan, .nan]
            }
            return row
        }
        // Deepest first, so the shallow nets' shorter curves are drawn on top; markers tell the depths apart
        // where the residual curves coincide near 1.
        let colours = ["#9400d3", "#009e73", "#0072b2", "#e69f00", "#d62728", "#56b4e9"]
        let styles = comparisons.enumerated().reversed().map { k, c in
            (k: k, depth: c.depth, every: Swift.max(c.depth / 10, 1), filled: [7, 5, 9, 11, 13][k % 5], open: [6, 4, 8, 10, 12][k % 5])
        }
        let residual = styles.map { t in
            "DATA using 1:\(2 + 2 * t.k) with linespoints pi \(t.every) pt \(t.filled) lw 2 lc rgb '\(colours[t.k % colours.count])' title 'residual L=\(t.depth)'"
        }
        let plain = styles.map { t in
            "DATA using 1:\(3 + 2 * t.k) with linespoints pi \(t.every) pt \(t.open) lw 2 dt 2 lc rgb '\(colours[t.k % colours.count])' title 'plain L=\(t.depth)'"
        }
        return Figure(name: "gradient-norms",
                      title: "‖∂ℓ/∂x_l‖ through depth (d = \(settings.dimension), hidden \(settings.hidden), h = 1/L, batch \(settings.batch), MSE loss, "
                        + "seeds 7 (weights), 8 (data)): residual (solid) vs plain twin (dashed)",
                      columns: columns, rows: rows,
                      gnuplot: """
                      set multiplot layout 1,2 title TITLE
                      set xlabel 'layer l (0 = input)'
                      set ylabel '‖∂ℓ/∂x_l‖ (norm of the loss gradient)'
                      set key below
                      set title 'residual nets (linear scale from 0)'
                      set yrange [0:*]
                      set offsets 0, 0, graph 0.1, 0
                      plot \(residual.joined(separator: ", \\\n     "))
                      set title 'residual and plain twins (log scale)'
                      set autoscale y
                      set logscale y
                      set offsets 0, 0, graph 0.05, graph 0.02
                      plot \(plain.joined(separator: ", \\\n     ")), \\
                           \(residual.joined(separator: ", \\\n     "))
                      unset multiplot
                      """, size: Figure.Size(width: 1200, height: 560))
    }
}
