// SPDX-License-Identifier: GPL-3.0-or-later
import DepthAnalysis
import Foundation
import GSLBridge
import ResidualNets
import TensorCore

/// Stable forward propagation with antisymmetric weights. A residual block
/// `x_{l+1} = x_l + h·σ(x_l·Kᵀ + b)` is a forward-Euler step of `x' = σ(Kx + b)`, whose field has
/// the Jacobian `J = diag(σ')·K`. With `K = W − Wᵀ − γI`, `J` is similar to
/// `D^{1/2}(W − Wᵀ)D^{1/2} − γD` (`D = diag(σ') > 0`), so every eigenvalue has
/// `Re λ ≤ −γ·min σ' ≤ 0`: the ODE neither amplifies nor destroys perturbations. Forward Euler
/// multiplies a perturbation along an eigenvector by `1 + hλ`; at the linear regime
/// (`x = 0`, `b = 0`, `J = K`, a normal matrix with `λ = −γ ± iω`)
///
///     |1 + hλ|² = (1 − hγ)² + h²ω² ≤ 1   ⇔   h·(γ² + ω²) ≤ 2γ,
///
/// so `‖δ_L‖ ≤ ‖δ_0‖` exactly when the step satisfies that condition. With `K = W + Wᵀ`
/// (symmetric, real eigenvalues, some positive) the same weights give `‖δ_L‖ ≈ e^{T·λ_max}‖δ_0‖`.
/// Measured: the linearised perturbation `δ_{l+1} = (I + h·J_l)·δ_l` (forward-mode JVPs through
/// each block) and the eigenvalues `hλ` of every block along the trajectory (`EulerStabilityReport`),
/// at the linear regime and along trajectories from random inputs with biases.
///
/// Reference: Haber & Ruthotto, "Stable architectures for deep neural networks", Inverse Problems
/// 34 (2017) 014004, §3 (eq. 3.4); Papers/haber2017-stability.
public struct Haber2017Stability: Paper {
    /// What one profile measures.
    public struct Settings: Sendable, Equatable {
        /// `d`, `L`, `h`, `γ`.
        public var dimension: Int, depth: Int, stepSize: Double, damping: Double
        /// Samples in the batch (perturbation directions, and inputs `x_0 ~ N(0, I)` for the nonlinear regime).
        public var batch: Int
        /// Independent draws of `W, b`, inputs and perturbations; the verdict must hold for every one.
        public var seeds: Int
    }

    /// The antisymmetric blocks' perturbation growth along nonlinear trajectories must stay below this.
    public static let stableGrowth = 3.0
    /// The symmetric blocks' growth at the linear regime must exceed this.
    public static let unstableGrowth = 100.0

    /// The folder name under `Papers/` and the command-line key.
    public let id = "haber2017-stability"
    /// A short title.
    public let title = "Antisymmetric residual blocks propagate stably"
    /// The claim, with its equation.
    public let claim = "Residual blocks x + h·σ(Kx + b) with K = W − Wᵀ − γI have field Jacobians whose eigenvalues satisfy "
        + "Re λ ≤ −γ·min σ' ≤ 0, so forward propagation neither explodes nor vanishes; forward Euler keeps that stability "
        + "when hλ lies in its stability region |1 + hλ| ≤ 1, i.e. h·(γ² + ω²) ≤ 2γ at the linear regime. With K = W + Wᵀ "
        + "the same weights give real positive eigenvalues and perturbations that grow like e^{T·λ_max}."
    /// The sources, with sections.
    public let source = "Haber & Ruthotto, \"Stable architectures for deep neural networks\", Inverse Problems 34 (2017) 014004, "
        + "§3.1–3.2 (eq. 3.4, antisymmetric weights with damping γ; stability of forward Euler)"

    /// The reproduction; the profile passed to `run` chooses how much it measures.
    public init() {}

    /// The settings of a profile.
    public func settings(for profile: Profile) -> Settings {
        switch profile {
        case .quick: return Settings(dimension: 4, depth: 40, stepSize: 0.1, damping: 0.1, batch: 6, seeds: 1)
        case .full: return Settings(dimension: 8, depth: 200, stepSize: 0.05, damping: 0.1, batch: 16, seeds: 8)
        }
    }

    /// The three weight constraints compared, all built from one `W`.
    enum Constraint: String, CaseIterable {
        case antisymmetric = "antisymmetric W − Wᵀ − γI"
        case symmetric = "symmetric W + Wᵀ"
        case unconstrained = "unconstrained W"

        /// The figure legend's name.
        var shortName: String {
            switch self {
            case .antisymmetric: return "W − Wᵀ − γI"
            case .symmetric: return "W + Wᵀ"
            case .unconstrained: return "W"
            }
        }
    }

    /// Where the Jacobians are taken.
    enum Regime: String, CaseIterable {
        /// `x_0 = 0`, `b = 0`: the trajectory stays at the equilibrium and `J = K` at every block.
        case linear = "linear (x = 0, b = 0)"
        /// `x_0 ~ N(0, I)` with the network's biases.
        case nonlinear = "nonlinear (x_0 ~ N(0, I), b ≠ 0)"
    }

    /// One constraint in one regime.
    struct Measurement {
        let growth: [Double]
        let report: EulerStabilityReport
        var eigenvalues: [GSLComplexNumber] { report.scaledEigenvalues.flatMap { $0.flatMap { $0 } } }
        var maxReal: Double { eigenvalues.map(\.real).max() ?? .nan }
    }

    /// Measures the profile\'s settings and judges the claim against the thresholds above.
    public func run(profile: Profile, progress: @escaping @Sendable (String) -> Void) throws -> PaperResult {
        let clock = Stopwatch()
        let s = settings(for: profile)
        // One K, b for every block: the time-invariant ODE x' = σ(Kx + b) of Haber & Ruthotto's analysis.
        guard s.seeds >= 1 else {
            throw ExperimentError.invalidArgument(name: "seeds", value: "\(s.seeds)", reason: "needs at least one seed")
        }
        let seeds = try (0..<s.seeds).map { k in try measure(seed: k, s, progress: progress) }
        let first = seeds[0]

        var rows: [[String]] = []
        for regime in Regime.allCases {
            for constraint in Constraint.allCases {
                guard let m = first.measured[regime]?[constraint] else { continue }
                rows.append([constraint.rawValue, regime.rawValue, NumberFormat.significant(m.growth.last ?? .nan),
                             NumberFormat.significant(m.growth.max() ?? .nan), NumberFormat.scientific(m.maxReal, digits: 2),
                             NumberFormat.significant(m.eigenvalues.map(\.magnitude).max() ?? .nan),
                             NumberFormat.significant(m.report.maximumAmplification, digits: 4),
                             NumberFormat.fixed(100 * m.report.fractionInside, decimals: 1) + " %"])
            }
        }
        var tables = [ResultTable(
            caption: "L = \(s.depth) blocks x + h·tanh(x·Kᵀ + b) with one K, b (h = \(NumberFormat.significant(s.stepSize)), T = hL = "
                + "\(NumberFormat.significant(s.stepSize * Double(s.depth))), γ = \(NumberFormat.significant(s.damping)), d = \(s.dimension), "
                + "W with PyTorch initialisation\(s.seeds > 1 ? ", first of \(s.seeds) seeds" : "")); \(s.batch) random perturbations δ_0; "
                + "eigenvalues hλ of h·∂F/∂x at every block and input",
            columns: ["K", "regime", "‖δ_L‖/‖δ_0‖", "max_l ‖δ_l‖/‖δ_0‖", "max Re hλ", "max |hλ|", "max |1 + hλ|", "inside |1 + hλ| ≤ 1"],
            rows: rows)]
        tables.append(ResultTable(
            caption: "Forward-Euler condition for K = W − Wᵀ − γI at the linear regime (eigenvalues −γ ± iω)",
            columns: ["seed", "h", "γ", "max ω", "h·(γ² + ω²)", "2γ", "holds"],
            rows: seeds.enumerated().map { k, m in
                ["\(k + 1)", NumberFormat.significant(s.stepSize), NumberFormat.significant(s.damping), NumberFormat.significant(m.omega),
                 NumberFormat.significant(m.condition), NumberFormat.significant(2 * s.damping), m.condition <= 2 * s.damping ? "yes" : "no"]
            }))

        // Worst cases over all seeds.
        func worst(_ regime: Regime, _ constraint: Constraint, _ value: (Measurement) -> Double,
                   _ pick: ([Double]) -> Double?) throws -> Double {
            let values = seeds.compactMap { $0.measured[regime]?[constraint] }.map(value)
            guard values.count == seeds.count, let result = pick(values) else {
                throw ExperimentError.invalidArgument(name: "measurements", value: "incomplete", reason: "every constraint and regime is measured")
            }
            return result
        }
        let antiMaxReal = Swift.max(try worst(.linear, .antisymmetric, \.maxReal, { $0.max() }),
                                    try worst(.nonlinear, .antisymmetric, \.maxReal, { $0.max() }))
        let antiAmplification = try worst(.linear, .antisymmetric, \.report.maximumAmplification, { $0.max() })
        let antiLinearGrowth = try worst(.linear, .antisymmetric, { $0.growth.max() ?? .nan }, { $0.max() })
        let antiNonlinearGrowth = try worst(.nonlinear, .antisymmetric, { $0.growth.max() ?? .nan }, { $0.max() })
        let symmetricGrowth = try worst(.linear, .symmetric, { $0.growth.last ?? .nan }, { $0.min() })
        let symmetricNonlinearGrowth = try worst(.nonlinear, .symmetric, { $0.growth.last ?? .nan }, { $0.min() })
        let symmetricMaxReal = try worst(.linear, .symmetric, \.maxReal, { $0.min() })
        let unconstrainedGrowth = try worst(.linear, .unconstrained, { $0.growth.last ?? .nan }, { $0.min() })
        let condition = seeds.map(\.condition).max() ?? .nan
        if s.seeds > 1 {
            tables.append(ResultTable(
                caption: "Over \(s.seeds) seeds of W, b, inputs and perturbations: the worst case of each quantity the verdict uses",
                columns: ["quantity", "worst over seeds", "required"],
                rows: [["antisymmetric: max Re hλ (both regimes)", NumberFormat.scientific(antiMaxReal, digits: 2), "≤ 0"],
                       ["antisymmetric, x = 0: max |1 + hλ|", NumberFormat.significant(antiAmplification, digits: 4), "≤ 1"],
                       ["antisymmetric, x = 0: max_l ‖δ_l‖/‖δ_0‖", NumberFormat.significant(antiLinearGrowth, digits: 4), "≤ 1"],
                       ["antisymmetric, nonlinear: max_l ‖δ_l‖/‖δ_0‖", NumberFormat.significant(antiNonlinearGrowth),
                        "< \(NumberFormat.significant(Haber2017Stability.stableGrowth))"],
                       ["symmetric, x = 0: ‖δ_L‖/‖δ_0‖ (smallest)", NumberFormat.scientific(symmetricGrowth, digits: 2),
                        "> \(NumberFormat.significant(Haber2017Stability.unstableGrowth))"],
                       ["h·(γ² + ω²) (largest)", NumberFormat.significant(condition), "≤ 2γ = \(NumberFormat.significant(2 * s.damping))"]]))
        }

        progress("figures")
        let figures = [eigenvalueFigure(first.measured, settings: s), growthFigure(first.measured, settings: s)]

        let reproduced = antiMaxReal <= 0 && condition <= 2 * s.damping
            && antiAmplification <= 1 + 1e-12 && antiLinearGrowth <= 1 + 1e-9
            && antiNonlinearGrowth < Haber2017Stability.stableGrowth && symmetricGrowth > Haber2017Stability.unstableGrowth
        let summary = (s.seeds > 1 ? "Worst over \(s.seeds) seeds. " : "")
            + "Antisymmetric K: max Re hλ = \(NumberFormat.scientific(antiMaxReal, digits: 2)) (≤ 0) in both regimes; with "
            + "h·(γ² + ω²) ≤ \(NumberFormat.significant(condition)) ≤ 2γ = \(NumberFormat.significant(2 * s.damping)) every hλ of the linear "
            + "regime is in the disc (max |1 + hλ| = \(NumberFormat.significant(antiAmplification, digits: 4))) and "
            + "perturbations never grow (max ‖δ_l‖/‖δ_0‖ = \(NumberFormat.significant(antiLinearGrowth, digits: 4))); along nonlinear "
            + "trajectories they grow at most \(NumberFormat.significant(antiNonlinearGrowth))× (< \(NumberFormat.significant(Haber2017Stability.stableGrowth))). "
            + "Same W, symmetric K: max Re hλ ≥ \(NumberFormat.significant(symmetricMaxReal)) and growth ≥ "
            + "\(NumberFormat.scientific(symmetricGrowth, digits: 2))× over \(s.depth) blocks at the linear regime (> "
            + "\(NumberFormat.significant(Haber2017Stability.unstableGrowth))), ≥ \(NumberFormat.significant(symmetricNonlinearGrowth))× "
            + "along the saturating nonlinear trajectories; unconstrained K = W: ≥ \(NumberFormat.significant(unconstrainedGrowth))×."
        return PaperResult(paper: self, profile: profile, tables: tables, figures: figures,
                           verdict: Verdict(reproduced: reproduced, summary: summary), seconds: clock.seconds,
                           numbers: ["antisymmetricMaxRealPart": antiMaxReal, "eulerConditionLeft": condition, "eulerConditionRight": 2 * s.damping,
                                     "antisymmetricLinearAmplification": antiAmplification,
                                     "antisymmetricLinearGrowth": antiLinearGrowth, "antisymmetricNonlinearGrowth": antiNonlinearGrowth,
                                     "symmetricLinearGrowth": symmetricGrowth])
    }

    /// Every constraint in both regimes for one seed `k` (`W, b` from seed `8 + 100k`, inputs and
    /// perturbations from `9 + 100k`), and the Euler condition `h·(γ² + ω²)` of its antisymmetric `K`.
    func measure(seed k: Int, _ s: Settings, progress: @Sendable (String) -> Void) throws
        -> (measured: [Regime: [Constraint: Measurement]], omega: Double, condition: Double) {
        // One K, b for every block: the time-invariant ODE x' = σ(Kx + b) of Haber & Ruthotto's analysis.
        let network = try AntisymmetricNetwork(dimension: s.dimension, depth: 1, stepSize: s.stepSize, damping: s.damping,
                                               seed: 8 &+ 100 &* UInt64(k))
        let (w, bias) = (network.parameters.values[0], network.parameters.values[1])
        var generator = SeededGenerator(seed: 9 &+ 100 &* UInt64(k))
        let inputs = try Tensor.randomNormal([s.batch, s.dimension], using: &generator)
        let directions = try Tensor.randomNormal([s.batch, s.dimension], using: &generator)
        var measured: [Regime: [Constraint: Measurement]] = [:]
        for regime in Regime.allCases {
            for constraint in Constraint.allCases {
                progress("seed \(k + 1)/\(s.seeds), \(constraint.rawValue), \(regime.rawValue): perturbation growth and eigenvalues of h·∂F/∂x")
                let chain = try self.chain(w: w, bias: regime == .linear ? Tensor.zeros(like: bias) : bias, constraint, s)
                let x0 = regime == .linear ? Tensor.zeros(like: inputs) : inputs
                measured[regime, default: [:]][constraint] = Measurement(
                    growth: try perturbationGrowth(chain, at: x0, direction: directions),
                    report: try EulerStabilityReport(of: chain, at: x0, tolerance: 1e-12))
            }
        }
        // The forward-Euler condition h·(γ² + ω²) ≤ 2γ at the linear regime.
        let anti = try (w - w.transposed()) - Tensor.identity(s.dimension) * s.damping
        let omega = try GSLLinearAlgebra.eigenvalues(of: anti.scalars, rows: s.dimension, columns: s.dimension)
            .map { Swift.abs($0.imaginary) }.max() ?? .nan
        return (measured, omega, s.stepSize * (s.damping * s.damping + omega * omega))
    }

    /// `depth` copies of the block `x + h·tanh(x·Kᵀ + b)`, with `K` built from `W` under a constraint.
    func chain(w: Tensor, bias: Tensor, _ constraint: Constraint, _ s: Settings) throws -> BlockChain {
        let k: Tensor
        switch constraint {
        case .antisymmetric: k = try (w - w.transposed()) - Tensor.identity(s.dimension) * s.damping
        case .symmetric: k = try w + w.transposed()
        case .unconstrained: k = w
        }
        let block = try NetworkBlock(field: { x in try Variable.linear(x, weight: Variable(k), bias: Variable(bias)).tanh() },
                                     stepSize: s.stepSize, hasSkip: true)
        return BlockChain(blocks: Array(repeating: block, count: s.depth))
    }

    /// `‖δ_l‖/‖δ_0‖` for `l = 0, …, L`, with `δ_{l+1} = (I + h·∂F_l/∂x(x_l))·δ_l` by forward mode.
    func perturbationGrowth(_ chain: BlockChain, at x0: Tensor, direction delta0: Tensor) throws -> [Double] {
        var state = x0, tangent = delta0
        let initial = delta0.l2Norm()
        var ratios = [1.0]
        for block in chain.blocks {
            (state, tangent) = try jacobianVectorProduct(at: [state], tangents: [tangent]) { try block($0[0]) }
            let ratio = tangent.l2Norm() / initial
            guard ratio.isFinite else { throw ExperimentError.nonFinite(what: "a perturbation's norm") }
            ratios.append(ratio)
        }
        return ratios
    }

    /// The eigenvalues `hλ` in the complex plane, with Euler's stability disc `|1 + hλ| ≤ 1`
    /// shaded, its boundary drawn and labelled, on equal axes.
    func eigenvalueFigure(_ measured: [Regime: [Constraint: Measurement]], settings s: Settings) -> Figure {
        var series: [(label: String, values: [GSLComplexNumber], style: String)] = []
        let markers = [(7, 6), (5, 4), (9, 8)]  // (filled, open) point types per constraint: circle, square, triangle
        for (k, constraint) in Constraint.allCases.enumerated() {
            let (filled, open) = markers[k % markers.count]
            series.append(("\(constraint.shortName), nonlinear", measured[.nonlinear]?[constraint]?.eigenvalues ?? [],
                           "points pt \(filled) ps 0.6 lc \(k + 1)"))
            series.append(("\(constraint.shortName), x = 0", measured[.linear]?[constraint]?.eigenvalues ?? [],
                           "points pt \(open) ps 2 lw 2 lc \(k + 1)"))
        }
        let count = series.map(\.values.count).max() ?? 0
        // Zoom onto the eigenvalues: the disc's edge near 0 is what separates stable from unstable.
        let radius = 1.2 * Swift.max(series.flatMap { $0.values.map(\.magnitude) }.max() ?? 0.1, 1e-3)
        let range = "[\(NumberFormat.significant(-radius, digits: 2)):\(NumberFormat.significant(radius, digits: 2))]"
        // A point on the boundary |1 + hλ| = 1 inside the window, for the label's arrow.
        let arcY = 0.7 * Swift.min(radius, 1), arcX = -1 + (1 - arcY * arcY).squareRoot()
        let rows = (0..<count).map { i in series.flatMap { i < $0.values.count ? [$0.values[i].real, $0.values[i].imaginary] : [.nan, .nan] } }
        let plots = series.enumerated().map { k, c in
            "DATA using \(2 * k + 1):\(2 * k + 2) with \(c.style) title \(Figure.quoted(c.label))"
        }
        return Figure(name: "eigenvalues",
                      title: "Eigenvalues hλ of h·∂F/∂x (d = \(s.dimension), h = \(s.stepSize), γ = \(s.damping), seed 0 of \(s.seeds)) against "
                        + "forward Euler's stability disc |1 + hλ| ≤ 1",
                      columns: series.flatMap { ["re " + $0.label, "im " + $0.label] }, rows: rows,
                      gnuplot: """
                      set size ratio -1
                      set xlabel 'Re hλ (dimensionless)'
                      set ylabel 'Im hλ (dimensionless)'
                      set object 1 circle at -1,0 size 1 fs transparent solid 0.12 noborder fc rgb '#2ca02c' back
                      set object 2 circle at -1,0 size 1 fs empty border lc rgb 'black' lw 2 front
                      set label 11 'stable: |1 + hλ| < 1 (shaded)' at graph 0.03, graph 0.95 left front
                      set label 12 'unstable' at graph 0.97, graph 0.95 right front
                      set label 13 'disc boundary |1 + hλ| = 1' at graph 0.03, graph 0.88 left front
                      set arrow 13 from graph 0.30, graph 0.86 to first \(arcX), first \(arcY) lw 1.5 front
                      set xzeroaxis lt -1
                      set yzeroaxis lt -1
                      set xrange \(range)
                      set yrange \(range)
                      set key outside right center vertical Left reverse spacing 1.3
                      plot \(plots.joined(separator: ", \\\n     "))
                      """, size: Figure.Size(width: 1050, height: 760))
    }

    /// `‖δ_l‖/‖δ_0‖` against `l` (log y), both regimes.
    func growthFigure(_ measured: [Regime: [Constraint: Measurement]], settings s: Settings) -> Figure {
        let depth = s.depth
        var series: [(label: String, values: [Double])] = []
        for constraint in Constraint.allCases {
            for regime in Regime.allCases {
                series.append(("\(constraint.shortName), \(regime == .linear ? "x = 0" : "nonlinear")", measured[regime]?[constraint]?.growth ?? []))
            }
        }
        let rows = (0...depth).map { l in [Double(l)] + series.map { l < $0.values.count ? $0.values[l] : .nan } }
        let plots = series.enumerated().map { k, c in
            "DATA using 1:\(k + 2) with \(k % 2 == 1 ? "linespoints pi \(Swift.max(depth / 8, 1)) pt \(k / 2 * 2 + 4) dt 2 " : "lines ")lw 2 "
                + "lc \(k / 2 + 1) title \(Figure.quoted(c.label))"
        }
        return Figure(name: "growth", title: "Perturbation growth ‖δ_l‖/‖δ_0‖ through depth (d = \(s.dimension), L = \(s.depth), h = \(s.stepSize), "
                        + "γ = \(s.damping), seed 0 of \(s.seeds); solid: x = 0, dashed: nonlinear)",
                      columns: ["layer"] + series.map(\.label), rows: rows,
                      gnuplot: """
                      set logscale y
                      set xlabel 'layer l'
                      set ylabel '‖δ_l‖ / ‖δ_0‖ (dimensionless)'
                      set key below maxrows 2
                      plot \(plots.joined(separator: ", \\\n     "))
                      """)
    }
}
