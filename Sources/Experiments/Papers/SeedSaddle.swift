// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import GSLBridge
import TensorCore

/// The saddle at the origin: fitting `y = α·x` with a two-layer linear network `y = w₂·w₁·x`
/// has the loss
///
///     plain:  L(w₁, w₂) = (w₁w₂ − α)²         ∇L(0) = 0,  ∇²L(0) = [[0, −2α], [−2α, 0]],  eigenvalues ±2α
///     skip:   L(w₁, w₂) = (w₁w₂ − (α − 1))²   (y = x + w₂w₁x),  eigenvalues ±2(α − 1) at 0
///
/// so small initial weights sit next to a saddle without the skip, and at `α = 1` (the map to
/// learn is the identity) the origin is a global minimum with it (`L ≥ 0 = L(0)`). Gradient
/// descent `w ← w − η∇L` from `(ε, ε)` must first escape the saddle, growing like `(1 + 2ηα)^k`,
/// so it needs about `ln(√α/ε)/ln(1 + 2ηα)` steps; with the skip it starts at the solution.
/// Gradients and Hessians are TensorCore's (reverse mode, forward-over-reverse), the
/// eigenvalues GSL's symmetric QR.
///
/// Reference: Hardt & Ma, "Identity matters in deep learning", ICLR 2017; Kawaguchi, "Deep
/// learning without poor local minima", NeurIPS 2016 (saddles of deep linear networks);
/// Papers/seed-saddle.
public struct SeedSaddle: Paper {
    /// What one profile measures.
    public struct Settings: Sendable, Equatable {
        /// The targets `α` whose critical point at the origin is classified.
        public var targets: [Double]
        /// The initial scales `ε` of gradient descent from `(ε, ε)`, at `α = 1`.
        public var initialScales: [Double]
        /// `η`.
        public var learningRate: Double
        /// Gradient descent stops when `L < tolerance`.
        public var tolerance: Double
        /// The most iterations.
        public var maximumIterations: Int
        /// The contour grid is `gridSize × gridSize` on `[−2, 2]²`.
        public var gridSize: Int
    }

    /// The folder name under `Papers/` and the command-line key.
    public let id = "seed-saddle"
    /// A short title.
    public let title = "A skip turns the saddle at the origin into a minimum"
    /// The claim, with its equation.
    public let claim = "Without a skip, the two-layer linear fit L(w₁, w₂) = (w₁w₂ − α)² has a saddle at the origin "
        + "(∇L = 0, Hessian eigenvalues ±2α), so gradient descent from small weights (ε, ε) stalls for about "
        + "ln(√α/ε)/ln(1 + 2ηα) steps; with the skip, L = (w₁w₂ − (α − 1))², and at α = 1 the origin is a global minimum."
    /// The sources, with sections.
    public let source = "Hardt & Ma, \"Identity matters in deep learning\", ICLR 2017, §1; Kawaguchi, \"Deep learning without "
        + "poor local minima\", NeurIPS 2016 (saddle points of deep linear networks); Saxe, McClelland & Ganguli, ICLR 2014 "
        + "(escape time from small initialisations)"

    /// The reproduction; the profile passed to `run` chooses how much it measures.
    public init() {}

    /// The settings of a profile.
    public func settings(for profile: Profile) -> Settings {
        switch profile {
        case .quick:
            return Settings(targets: [0.5, 1, 2], initialScales: [1e-2, 1e-3, 1e-6], learningRate: 0.1, tolerance: 1e-6,
                            maximumIterations: 2_000, gridSize: 41)
        case .full:
            return Settings(targets: [0.5, 1, 1.5, 2, 4], initialScales: [1e-2, 1e-3, 1e-4, 1e-6, 1e-8, 1e-12],
                            learningRate: 0.1, tolerance: 1e-6, maximumIterations: 10_000, gridSize: 81)
        }
    }

    /// `(w₁w₂ − target)²` of `w = [w₁, w₂]`.
    static func loss(_ w: Variable, target: Double) throws -> Variable {
        try (w.slice(0..<1) * w.slice(1..<2) - target).square().sum()
    }

    /// Measures the profile\'s settings and judges the claim against the thresholds above.
    public func run(profile: Profile, progress: @escaping @Sendable (String) -> Void) throws -> PaperResult {
        let clock = Stopwatch()
        let s = settings(for: profile)
        let origin = Tensor([0.0, 0.0])

        progress("critical point at the origin: gradient and Hessian by autodiff, eigenvalues by GSL")
        var criticalRows: [[String]] = []
        var worstEigenvalueError = 0.0, worstGradient = 0.0
        var skipAtIdentity: (loss: Double, eigenvalues: [Double]) = (.nan, [])
        for alpha in s.targets {
            for (net, target) in [("plain", alpha), ("skip", alpha - 1)] {
                let (value, g) = try valueWithGradient(at: origin) { try SeedSaddle.loss($0, target: target) }
                let h = try hessian(at: origin) { try SeedSaddle.loss($0, target: target) }
                let eigenvalues = try GSLLinearAlgebra.symmetricEigendecomposition(of: h.scalars, rows: 2, columns: 2).eigenvalues
                worstGradient = Swift.max(worstGradient, g.l2Norm())
                // Predicted: ±2·target.
                let predicted = [-2 * Swift.abs(target), 2 * Swift.abs(target)]
                worstEigenvalueError = Swift.max(worstEigenvalueError, zip(eigenvalues, predicted).map { Swift.abs($0 - $1) }.max() ?? 0)
                if net == "skip" && alpha == 1 { skipAtIdentity = (value, eigenvalues) }
                criticalRows.append([net, NumberFormat.significant(alpha), NumberFormat.significant(value), NumberFormat.scientific(g.l2Norm(), digits: 1),
                                     eigenvalues.map { NumberFormat.significant($0) }.joined(separator: ", "),
                                     SeedSaddle.classify(loss: value, eigenvalues: eigenvalues)])
            }
        }
        let criticalTable = ResultTable(
            caption: "The origin w = (0, 0): loss, gradient and Hessian eigenvalues (predicted ±2α plain, ±2(α − 1) skip)",
            columns: ["net", "α", "L(0)", "‖∇L(0)‖", "Hessian eigenvalues", "critical point"],
            rows: criticalRows)

        progress("gradient descent from (ε, ε), α = 1")
        let rate = 1 + 2 * s.learningRate
        var descentRows: [[String]] = []
        var plainIterations: [Int?] = [], skipIterations: [Int?] = []
        var trajectories: [(label: String, losses: [Double])] = []
        for epsilon in s.initialScales {
            let plain = try descend(from: epsilon, target: 1, s)
            let skip = try descend(from: epsilon, target: 0, s, recording: plain.losses.count)
            plainIterations.append(plain.iterations)
            skipIterations.append(skip.iterations)
            let predicted = Foundation.log(1 / epsilon) / Foundation.log(rate)
            descentRows.append([NumberFormat.scientific(epsilon, digits: 1), plain.iterations.map(String.init) ?? "> \(s.maximumIterations)",
                                NumberFormat.fixed(predicted, decimals: 1), NumberFormat.scientific(plain.losses[0], digits: 2),
                                skip.iterations.map(String.init) ?? "> \(s.maximumIterations)", NumberFormat.scientific(skip.losses[0], digits: 2)])
            if epsilon == 1e-3 || epsilon == 1e-6 {
                trajectories += [("plain, ε = \(NumberFormat.scientific(epsilon, digits: 1))", plain.losses),
                                 ("skip, ε = \(NumberFormat.scientific(epsilon, digits: 1))", skip.losses)]
            }
        }
        let descentTable = ResultTable(
            caption: "Gradient descent w ← w − η∇L (η = \(NumberFormat.significant(s.learningRate))) from (ε, ε) at α = 1 until L < "
                + "\(NumberFormat.scientific(s.tolerance, digits: 1)); predicted escape from the saddle: ln(1/ε)/ln(1 + 2η) steps "
                + "(the counts add a fixed number of steps to converge after the escape, so their increments per decade of ε are compared)",
            columns: ["ε", "plain: iterations", "predicted escape", "plain: L at start", "skip: iterations", "skip: L at start"],
            rows: descentRows)

        progress("figures")
        let figures = [trajectoryFigure(trajectories, learningRate: s.learningRate, tolerance: s.tolerance), try contourFigure(s.gridSize)]

        // Escape time grows like ln(1/ε)/ln(1 + 2η): its increments per decade of ε.
        let plainCounts = plainIterations.compactMap { $0 }
        let increments = zip(plainCounts, plainCounts.dropFirst()).map { Double($1 - $0) }
        let decades = zip(s.initialScales, s.initialScales.dropFirst()).map { Foundation.log10($0 / $1) }
        let perDecade = zip(increments, decades).map { $0 / $1 }
        let predictedPerDecade = Foundation.log(10) / Foundation.log(rate)
        let escapeScales = perDecade.allSatisfy { Swift.abs($0 - predictedPerDecade) <= 0.15 * predictedPerDecade }
        let skipImmediate = skipIterations.allSatisfy { $0 == 0 }
        let reproduced = worstGradient == 0 && worstEigenvalueError <= 1e-12 && skipAtIdentity.loss == 0
            && skipAtIdentity.eigenvalues.allSatisfy { Swift.abs($0) <= 1e-12 }
            && plainCounts.count == plainIterations.count && escapeScales && skipImmediate
        let summary = "At the origin ∇L = 0 exactly (largest ‖∇L‖ \(NumberFormat.scientific(worstGradient, digits: 1))) and the "
            + "Hessian eigenvalues are ±2α (plain) and ±2(α − 1) (skip) to \(NumberFormat.scientific(worstEigenvalueError, digits: 1)); "
            + "at α = 1 the skip's origin has L = \(NumberFormat.significant(skipAtIdentity.loss)) with eigenvalues "
            + "\(skipAtIdentity.eigenvalues.map { NumberFormat.significant($0) }.joined(separator: ", ")): a global minimum. "
            + "Gradient descent (η = \(NumberFormat.significant(s.learningRate))) needs "
            + "\(plainIterations.map { $0.map(String.init) ?? "> \(s.maximumIterations)" }.joined(separator: ", ")) iterations without the skip from "
            + "ε = \(s.initialScales.map { NumberFormat.scientific($0, digits: 1) }.joined(separator: ", ")) "
            + "(\(perDecade.map { NumberFormat.fixed($0, decimals: 1) }.joined(separator: ", ")) more per decade of ε; predicted "
            + "ln 10/ln(1 + 2η) = \(NumberFormat.fixed(predictedPerDecade, decimals: 1)), within 15 %) and "
            + "\(skipIterations.map { $0.map(String.init) ?? "> \(s.maximumIterations)" }.joined(separator: ", ")) with it."
        return PaperResult(paper: self, profile: profile, tables: [criticalTable, descentTable], figures: figures,
                           verdict: Verdict(reproduced: reproduced, summary: summary), seconds: clock.seconds,
                           numbers: ["gradientNormAtOrigin": worstGradient, "hessianEigenvalueError": worstEigenvalueError,
                                     "skipLossAtOrigin": skipAtIdentity.loss,
                                     "plainIterationsPerDecade": perDecade.isEmpty ? .nan : perDecade.reduce(0, +) / Double(perDecade.count),
                                     "predictedIterationsPerDecade": predictedPerDecade,
                                     "plainIterationsMinimum": Double(plainCounts.min() ?? -1),
                                     "skipIterationsMaximum": Double(skipIterations.map { $0 ?? Int.max }.max() ?? -1)])
    }

    /// A critical point's type from its loss and Hessian eigenvalues (at a point with `∇L = 0`).
    static func classify(loss: Double, eigenvalues: [Double]) -> String {
        let scale = Swift.max(eigenvalues.map(Swift.abs).max() ?? 0, 1) * 1e-12
        if eigenvalues.contains(where: { $0 < -scale }) && eigenvalues.contains(where: { $0 > scale }) { return "saddle" }
        if loss == 0 { return "global minimum (L(0) = 0 = min L)" }
        if eigenvalues.allSatisfy({ $0 > scale }) { return "strict local minimum" }
        return "degenerate"
    }

    /// Gradient descent from `(ε, ε)` on `(w₁w₂ − target)²`: the losses at the first
    /// `max(recording, k + 21)` iterates, and the first iteration `k` with `L < tolerance`
    /// (`nil` if none within the limit).
    func descend(from epsilon: Double, target: Double, _ s: Settings,
                 recording: Int = 0) throws -> (iterations: Int?, losses: [Double]) {
        var w = Tensor([epsilon, epsilon])
        var losses: [Double] = []
        for k in 0...s.maximumIterations {
            let (value, g) = try valueWithGradient(at: w) { try SeedSaddle.loss($0, target: target) }
            guard value.isFinite else { throw ExperimentError.nonFinite(what: "the loss at gradient-descent step \(k)") }
            losses.append(value)
            if value < s.tolerance {
                // Keep recording past convergence (for the figure), without counting the steps.
                var tail = w
                for _ in 0..<Swift.max(20, recording - losses.count) {
                    let next = try valueWithGradient(at: tail) { try SeedSaddle.loss($0, target: target) }
                    tail = try tail.adding(next.gradient, scaledBy: -s.learningRate)
                    losses.append(try SeedSaddle.loss(Variable(tail), target: target).value.scalars[0])
                }
                return (k, losses)
            }
            w = try w.adding(g, scaledBy: -s.learningRate)
        }
        return (nil, losses)
    }

    /// `L` along gradient descent (log y), with the step size and stopping tolerance in the title.
    func trajectoryFigure(_ trajectories: [(label: String, losses: [Double])], learningRate: Double, tolerance: Double) -> Figure {
        let length = trajectories.map(\.losses.count).max() ?? 0
        let rows = (0..<length).map { k in
            [Double(k)] + trajectories.map { k < $0.losses.count && $0.losses[k] > 0 ? $0.losses[k] : .nan }
        }
        // Colour per ε, solid for plain and dashed with sparse markers for skip, so the two flat skip lines stay apart.
        let plots = trajectories.enumerated().map { k, t in
            "DATA using 1:\(k + 2) with \(k % 2 == 1 ? "linespoints pi 10 pt \(k / 2 + 4) dt 2 " : "lines ")lw 2 lc \(k / 2 + 1) "
                + "title \(Figure.quoted(t.label))"
        }
        return Figure(name: "descent",
                      title: "Gradient descent (η = \(NumberFormat.significant(learningRate)), stop at L < "
                        + "\(NumberFormat.scientific(tolerance, digits: 1))) at α = 1 from (ε, ε): plain stalls at the saddle, skip starts at the minimum",
                      columns: ["iteration"] + trajectories.map(\.label), rows: rows,
                      gnuplot: """
                      set logscale y
                      set xlabel 'iteration k'
                      set ylabel 'loss L(w_k) (dimensionless)'
                      set key below maxrows 2
                      plot \(plots.joined(separator: ", \\\n     "))
                      """)
    }

    /// Contours of both losses at α = 1 on `[−2, 2]²`, equal aspect, coloured by level on one log colour scale.
    func contourFigure(_ n: Int) throws -> Figure {
        guard n >= 2 else { throw ExperimentError.invalidArgument(name: "gridSize", value: "\(n)", reason: "must be ≥ 2") }
        var rows: [[Double]] = []
        rows.reserveCapacity(n * n)
        for i in 0..<n {
            for j in 0..<n {
                let w1 = -2 + 4 * Double(i) / Double(n - 1), w2 = -2 + 4 * Double(j) / Double(n - 1)
                let p = w1 * w2 - 1
                rows.append([w1, w2, p * p, (w1 * w2) * (w1 * w2)])
            }
        }
        let levels = ["0.05", "0.2", "0.5", "1", "2", "4"]
        // The CSV has no blank lines between grid rows, so gnuplot regrids it onto the same n × n nodes (which
        // coincide with the samples); spline interpolation would be exact but costs O(n⁶). Levels below 0.05 are
        // not resolved by a grid step of 4/(n − 1) (the 0.01 level of (w₁w₂ − 1)² is two hyperbolas 0.2 apart).
        return Figure(name: "landscape",
                      title: "L(w₁, w₂) at α = 1 on [−2, 2]² (\(n) × \(n) samples): contours at L = \(levels.joined(separator: ", ")), colour = L (log scale)",
                      columns: ["w1", "w2", "plain", "skip"], rows: rows,
                      gnuplot: """
                      set multiplot layout 1,2 title TITLE
                      set view map
                      set size ratio -1
                      set contour base
                      unset surface
                      set cntrparam levels discrete \(levels.joined(separator: ", "))
                      set dgrid3d \(n),\(n) qnorm 2
                      set cntrparam bspline
                      set xrange [-2:2]
                      set yrange [-2:2]
                      set xlabel 'w₁ (dimensionless)'
                      set ylabel 'w₂ (dimensionless)'
                      set logscale cb
                      set cbrange [0.05:4]
                      set format cb '%g'
                      set cbtics (\(levels.map { "'\($0)' \($0)" }.joined(separator: ", ")))
                      set cblabel 'L'
                      set palette defined (0 '#0d0887', 1 '#7e03a8', 2 '#cc4778', 3 '#f89540', 4 '#f0f921')
                      unset key
                      unset colorbox
                      set label 1 at 0,0,0 '' point pt 7 ps 1.5 front
                      set title 'plain: (w₁w₂ − 1)², saddle at the origin'
                      splot DATA using 1:2:3 with lines lw 2 palette notitle
                      set colorbox
                      set title 'skip: (w₁w₂)², minimum at the origin'
                      splot DATA using 1:2:4 with lines lw 2 palette notitle
                      unset multiplot
                      """, size: Figure.Size(width: 1200, height: 560))
    }
}
