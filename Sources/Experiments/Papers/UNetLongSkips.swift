// SPDX-License-Identifier: GPL-3.0-or-later
import DepthAnalysis
import Foundation
import TensorCore

/// Long skips keep the gradient path short: in a U-Net-style network of `n` encoder and `n`
/// decoder blocks with a skip from each encoder level to the decoder of the same level, the
/// shortest input–output path passes
///
///     with long skips:    2 blocks   (x → E_0 → D_0 → y)  for every n
///     without them:       2n blocks  (the plain chain)
///
/// and the input gradient of the plain chain, a product of `2n` block Jacobians, decays
/// geometrically in `n`, while with the skips a term through 2 Jacobians remains. Measured by
/// `LongSkipStudy` (tanh blocks, PyTorch initialisation, `ℓ = ⟨y, r⟩/batch` for a fixed random `r`).
///
/// Reference: Ronneberger, Fischer & Brox, "U-Net", MICCAI 2015, Fig. 1; Drozdzal, Vorontsov,
/// Chartrand, Kadoury & Pal, "The importance of skip connections in biomedical image
/// segmentation", DLMIA 2016, §3; Papers/unet-long-skips.
public struct UNetLongSkips: Paper {
    /// What one profile measures.
    public struct Settings: Sendable, Equatable {
        /// The numbers of levels `n` (the network has `2n` blocks).
        public var levels: [Int]
        /// State width and batch.
        public var width: Int, batch: Int
        /// Independent draws of weights, inputs and probe; the verdict must hold for every one.
        public var seeds: Int
    }

    /// Without skips the input gradient at the deepest `n` must be below this fraction of its value at the shallowest.
    public static let vanishingFraction = 1e-3
    /// With skips `max/min` of the input-gradient norm over all `n` must stay below this (O(1) in depth).
    public static let boundedSpread = 10.0

    /// The folder name under `Papers/` and the command-line key.
    public let id = "unet-long-skips"
    /// A short title.
    public let title = "Long skips keep the gradient path O(1) in depth"
    /// The claim, with its equation.
    public let claim = "In a U-Net with n encoder and n decoder blocks, long skips from each encoder level to the decoder of the "
        + "same level make the shortest input–output path 2 blocks at every depth (2n without them), so the input gradient "
        + "stays O(1) as n grows, while the same weights without the skips give a gradient through 2n Jacobians that decays "
        + "geometrically in n."
    /// The sources, with sections.
    public let source = "Ronneberger, Fischer & Brox, \"U-Net: convolutional networks for biomedical image segmentation\", "
        + "MICCAI 2015, §2 and Fig. 1; Drozdzal et al., \"The importance of skip connections in biomedical image "
        + "segmentation\", DLMIA 2016, §3–4 (gradient flow with long and short skips)"

    /// The reproduction; the profile passed to `run` chooses how much it measures.
    public init() {}

    /// The settings of a profile.
    public func settings(for profile: Profile) -> Settings {
        switch profile {
        case .quick: return Settings(levels: [1, 2, 4, 8, 12], width: 4, batch: 3, seeds: 1)
        case .full: return Settings(levels: [1, 2, 4, 8, 12, 16, 24, 32], width: 8, batch: 8, seeds: 8)
        }
    }

    /// Measures the profile\'s settings and judges the claim against the thresholds above.
    public func run(profile: Profile, progress: @escaping @Sendable (String) -> Void) throws -> PaperResult {
        let clock = Stopwatch()
        let s = settings(for: profile)
        guard s.seeds >= 1, !s.levels.isEmpty else {
            throw ExperimentError.invalidArgument(name: "settings", value: "\(s.seeds) seeds, levels \(s.levels)",
                                                  reason: "needs at least one seed and one depth")
        }
        // runs[k]: seed k (weights, inputs and probe from seed 5 + 100k); seed 0 is tabulated and plotted.
        let runs = try (0..<s.seeds).map { k in
            progress("seed \(k + 1)/\(s.seeds), levels \(s.levels.map(String.init).joined(separator: ", ")): path lengths and input gradients")
            return try LongSkipStudy.measure(levels: s.levels, width: s.width, batch: s.batch, seed: 5 &+ 100 &* UInt64(k))
        }
        for row in runs.joined() where !(row.inputGradientNormWithSkips.isFinite && row.inputGradientNormWithoutSkips.isFinite) {
            throw ExperimentError.nonFinite(what: "the input gradient at n = \(row.levels)")
        }
        let rows = runs[0]
        guard let first = rows.first, let last = rows.last else {
            throw ExperimentError.invalidArgument(name: "levels", value: "[]", reason: "needs at least one depth")
        }
        let table = ResultTable(
            caption: "U-Net-style tanh network, width \(s.width), batch \(s.batch): shortest input–output path (in nonlinear blocks) "
                + "and ‖∂ℓ/∂x‖ with and without the long skips (same weights)" + (s.seeds > 1 ? "; first of \(s.seeds) seeds" : ""),
            columns: ["levels n", "blocks 2n", "shortest path, skips", "shortest path, no skips", "‖∂ℓ/∂x‖ skips",
                      "‖∂ℓ/∂x‖ no skips", "no skips / skips"],
            rows: rows.map { r in
                ["\(r.levels)", "\(r.blockCount)", "\(r.shortestPathWithSkips)", "\(r.shortestPathWithoutSkips)",
                 NumberFormat.significant(r.inputGradientNormWithSkips), NumberFormat.scientific(r.inputGradientNormWithoutSkips, digits: 2),
                 NumberFormat.scientific(r.inputGradientNormWithoutSkips / r.inputGradientNormWithSkips, digits: 2)]
            })

        progress("figure")
        let figure = Figure(
            name: "gradients",
            title: "Input-gradient norm and shortest input–output path against the number of levels n (2n blocks, width \(s.width), "
                + "batch \(s.batch), seed 5)",
            columns: ["levels", "gradient with skips", "gradient without skips", "shortest path with skips", "shortest path without skips"],
            rows: rows.map { [Double($0.levels), $0.inputGradientNormWithSkips, $0.inputGradientNormWithoutSkips,
                              Double($0.shortestPathWithSkips), Double($0.shortestPathWithoutSkips)] },
            gnuplot: """
            set multiplot layout 1,2 title TITLE
            set xlabel 'levels n'
            set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
            set logscale y
            set ylabel '‖∂ℓ/∂x‖ (norm of the input gradient)'
            set key below
            set title 'input gradient'
            plot DATA using 1:2 with linespoints lw 2 pt 7 title 'with long skips', \\
                 DATA using 1:3 with linespoints lw 2 pt 5 dt 2 title 'without'
            unset logscale y
            set ylabel 'nonlinear blocks on the shortest path'
            set key below
            set title 'shortest input–output path'
            plot DATA using 1:4 with linespoints lw 2 pt 7 title 'with long skips', \\
                 DATA using 1:5 with linespoints lw 2 pt 5 dt 2 title 'without (2n)'
            unset multiplot
            """, size: Figure.Size(width: 1200, height: 560))

        let pathsConstant = runs.joined().allSatisfy { $0.shortestPathWithSkips == 2 && $0.shortestPathWithoutSkips == 2 * $0.levels }
        // Worst over seeds: the largest spread with skips and the slowest decay without them.
        let spreads = runs.map { run in
            let norms = run.map(\.inputGradientNormWithSkips)
            return (norms.max() ?? .nan) / (norms.min() ?? .nan)
        }
        let decays = runs.map { run in (run.last?.inputGradientNormWithoutSkips ?? .nan) / (run.first?.inputGradientNormWithoutSkips ?? .nan) }
        let spread = spreads.max() ?? .nan, decay = decays.max() ?? .nan
        var tables = [table]
        if s.seeds > 1 {
            tables.append(ResultTable(
                caption: "Over \(s.seeds) seeds: max/min of ‖∂ℓ/∂x‖ with skips over all n, and ‖∂ℓ/∂x‖ without skips at n = "
                    + "\(last.levels) relative to n = \(first.levels)",
                columns: ["seed", "spread with skips", "decay without skips"],
                rows: zip(spreads, decays).enumerated().map { k, pair in
                    ["\(k + 1)", NumberFormat.significant(pair.0), NumberFormat.scientific(pair.1, digits: 2)]
                }))
        }
        let reproduced = pathsConstant && spread < UNetLongSkips.boundedSpread && decay < UNetLongSkips.vanishingFraction
        let summary = (s.seeds > 1 ? "Worst over \(s.seeds) seeds. " : "") + "Shortest path with long skips: 2 blocks at every n = \(s.levels.map(String.init).joined(separator: ", ")); without: 2n "
            + "(\(pathsConstant ? "as predicted" : "NOT as predicted")). With skips ‖∂ℓ/∂x‖ stays within a factor "
            + "\(NumberFormat.significant(spread)) over all n (< \(NumberFormat.significant(UNetLongSkips.boundedSpread))); without them it falls to "
            + "\(NumberFormat.scientific(decay, digits: 2)) × its n = \(first.levels) value at n = \(last.levels) "
            + "(< \(NumberFormat.scientific(UNetLongSkips.vanishingFraction, digits: 1)))."
        return PaperResult(paper: self, profile: profile, tables: tables, figures: [figure],
                           verdict: Verdict(reproduced: reproduced, summary: summary), seconds: clock.seconds,
                           numbers: ["gradientSpreadWithSkips": spread, "gradientDecayWithoutSkips": decay,
                                     "pathsAsPredicted": pathsConstant ? 1 : 0])
    }
}
