// SPDX-License-Identifier: GPL-3.0-or-later
import DepthAnalysis
import Foundation
import GSLBridge
import ResidualNets
import TensorCore

/// The eigenvalue anchor: a residual block's Jacobian `I + h·∂F/∂x` has eigenvalues `1 + hλ`,
/// anchored at 1, where a plain block's `∂F/∂x` has eigenvalues `λ`, anchored at 0. Through
/// `L` blocks they are raised to the `L`-th power:
///
///     plain:     λ^L            0.1^50 = 1e-50,  0.5^50 ≈ 8.9e-16
///     residual:  (1 + hλ)^L     h = 1:   0.9^50 ≈ 5.2e-3 (λ = −0.1),  1.1^50 ≈ 117 (λ = 0.1)
///                               h = T/L: (1 + λT/L)^L → e^{λT}      (e^{±0.1} at T = 1)
///
/// and the norm of the product obeys `‖∂x_L/∂x_0‖ ≤ ∏(1 + h‖∂F_l/∂x‖) ≤ (1 + hα)^L ≤ e^{αLh}`.
/// Measured with `LinearBlockSpectrum` (linear blocks, closed form), `JacobianSpectrum`
/// (nonlinear tanh ResNets and their plain twins) and `JacobianNormBound`.
///
/// Reference: Hardt & Ma, "Identity matters in deep learning", ICLR 2017, §1;
/// Papers/seed-eigen-anchor.
public struct SeedEigenAnchor: Paper {
    /// What one profile measures.
    public struct Settings: Sendable, Equatable {
        /// The depth of the spectra.
        public var depth: Int
        /// The depths of the norm-bound table.
        public var boundDepths: [Int]
        /// The state width and hidden width of the nonlinear networks.
        public var dimension: Int, hidden: Int
        /// Independent draws of the nonlinear networks' weights and input; the verdict must hold for every one.
        public var seeds: Int
    }

    /// The eigenvalues `λ` of the linear block `A`.
    public static let blockEigenvalues = [0.1, -0.1, 0.05, -0.05]

    /// The folder name under `Papers/` and the command-line key.
    public let id = "seed-eigen-anchor"
    /// A short title.
    public let title = "The eigenvalue anchor: 1 + hλ instead of λ"
    /// The claim, with its equation.
    public let claim = "A residual block's Jacobian I + h·∂F/∂x has eigenvalues 1 + hλ, anchored at 1, where a plain block's "
        + "∂F/∂x has eigenvalues λ, anchored at 0; through L blocks they become (1 + hλ)^L and λ^L. At L = 50, λ = 0.1 "
        + "gives 0.1^50 = 1e-50 for the plain stack, while the residual stack gives 0.9^50 ≈ 5.2e-3 (h = 1, λ = −0.1) and "
        + "(1 ± 0.1/L)^L → e^{±0.1} (h = 1/L). The end-to-end norm obeys ‖∂x_L/∂x_0‖ ≤ (1 + hα)^L, α = max‖∂F/∂x‖: "
        + "exponential in L at h = 1, at most e^{α} at h = 1/L."
    /// The sources, with sections.
    public let source = "Hardt & Ma, \"Identity matters in deep learning\", ICLR 2017, §1–2 (residual parametrisation near the identity); "
        + "He, Zhang, Ren & Sun, ECCV 2016, §3; Hairer, Nørsett & Wanner, Solving ODEs I, §I.10 (Grönwall bound)"

    /// The reproduction; the profile passed to `run` chooses how much it measures.
    public init() {}

    /// The settings of a profile.
    public func settings(for profile: Profile) -> Settings {
        switch profile {
        case .quick: return Settings(depth: 50, boundDepths: [10, 50], dimension: 6, hidden: 16, seeds: 1)
        case .full: return Settings(depth: 50, boundDepths: [10, 25, 50, 100, 200], dimension: 8, hidden: 32, seeds: 8)
        }
    }

    /// Measures the profile\'s settings and judges the claim against the thresholds above.
    public func run(profile: Profile, progress: @escaping @Sendable (String) -> Void) throws -> PaperResult {
        let clock = Stopwatch()
        let s = settings(for: profile)
        let depth = s.depth

        // 1. Linear blocks A = Q·diag(λ)·Qᵀ (a random rotation, so nothing is diagonal by construction).
        progress("linear blocks: closed form against the measured Jacobian, L = \(depth)")
        let a = try rotatedDiagonal(SeedEigenAnchor.blockEigenvalues, seed: 3)
        let cases: [(name: String, h: Double, skip: Bool)] = [("plain A·x", 1, false), ("residual x + A·x (h = 1)", 1, true),
                                                             ("residual x + A·x/L (h = 1/L)", 1 / Double(depth), true)]
        let linear = try cases.map { try LinearBlockSpectrum(matrix: a, stepSize: $0.h, depth: depth, hasSkip: $0.skip) }
        let linearTable = self.linearTable(cases.map(\.name), linear, depth: depth)
        // Eigenvalues are computed to about ε·‖J‖ (backward stability), so the error is measured
        // against the largest predicted eigenvalue of the stack (at least 1).
        let worstLinearError = linear.map { spectrum in
            let scale = Swift.max(1, spectrum.predictedEigenvalues.map(\.magnitude).max() ?? 1)
            return zip(spectrum.measuredEigenvalues, spectrum.predictedEigenvalues).map { m, p in
                GSLComplexNumber(real: m.real - p.real, imaginary: m.imaginary - p.imaginary).magnitude / scale
            }.max() ?? .nan
        }.max() ?? .nan

        // 2. Nonlinear tanh ResNets and their plain twins (same F_l), for every seed; seed 0 is tabulated.
        guard s.seeds >= 1 else {
            throw ExperimentError.invalidArgument(name: "seeds", value: "\(s.seeds)", reason: "needs at least one seed")
        }
        var plainLargest = 0.0, residualSmallest = Double.infinity, residualLargest = 0.0
        var spectra: [(plain: JacobianSpectrum, residual: JacobianSpectrum, unitStep: JacobianSpectrum)] = []
        var samples: [Tensor] = []
        for k in 0..<s.seeds {
            progress("nonlinear, seed \(k + 1)/\(s.seeds): singular values of ∂x_L/∂x_0, L = \(depth)")
            var generator = SeededGenerator(seed: 11 &+ 100 &* UInt64(k))
            let sample = try Tensor.randomNormal([1, s.dimension], using: &generator)
            let unit = try network(depth: depth, stepSize: 1 / Double(depth), s, seed: k)
            let residual = try JacobianSpectrum(of: unit, at: sample)
            let plain = try JacobianSpectrum(of: unit.withSkips(false), at: sample)
            let unitStep = try JacobianSpectrum(of: try network(depth: depth, stepSize: 1, s, seed: k), at: sample)
            plainLargest = Swift.max(plainLargest, plain.spectralNorm)
            residualSmallest = Swift.min(residualSmallest, residual.singularValues.last ?? .nan)
            residualLargest = Swift.max(residualLargest, residual.spectralNorm)
            spectra.append((plain, residual, unitStep))
            samples.append(sample)
        }
        let (plainSpectrum, residualSpectrum, unitStepSpectrum) = spectra[0]
        let residualRange = (lowerBound: residualSmallest, upperBound: residualLargest)
        let nonlinearTable = ResultTable(
            caption: "Singular values σ_i of ∂x_L/∂x_0 at one input, tanh MLP blocks (d = \(s.dimension), hidden \(s.hidden)), L = \(depth)"
                + (s.seeds > 1 ? " (first of \(s.seeds) seeds; over all: plain σ₁ ≤ \(NumberFormat.scientific(plainLargest, digits: 2)), residual σ in "
                   + "[\(NumberFormat.significant(residualRange.lowerBound)), \(NumberFormat.significant(residualRange.upperBound))])" : ""),
            columns: ["i", "plain F_l(x)", "residual x + F_l(x)/L", "residual x + F_l(x) (h = 1)"],
            rows: (0..<s.dimension).map { i in
                ["\(i + 1)", NumberFormat.scientific(plainSpectrum.singularValues[i], digits: 2),
                 NumberFormat.significant(residualSpectrum.singularValues[i]),
                 NumberFormat.significant(unitStepSpectrum.singularValues[i])]
            })

        // 3. The growth bound ‖J‖ ≤ ∏(1 + h‖∂F_l/∂x‖) ≤ (1 + hα)^L.
        var boundRows: [[String]] = []
        var boundsHold = true
        var unitStepBoundAtDepth = Double.nan, shortStepBoundAtDepth = Double.nan
        for (k, sample) in samples.enumerated() {
          for boundDepth in s.boundDepths {
            progress("norm bound, seed \(k + 1)/\(s.seeds), L = \(boundDepth)")
            for (label, h) in [("1/L", 1 / Double(boundDepth)), ("1", 1.0)] {
                let chain = try network(depth: boundDepth, stepSize: h, s, seed: k)
                let bound = try JacobianNormBound(of: chain, at: sample)
                let exponential = Foundation.exp(bound.maximumFieldJacobianNorm * h * Double(boundDepth))
                boundsHold = boundsHold && bound.measuredNorm <= bound.productBound * (1 + 1e-12)
                    && bound.productBound <= bound.uniformBound * (1 + 1e-12) && bound.uniformBound <= exponential * (1 + 1e-12)
                guard k == 0 else { continue }
                if boundDepth == depth { if h == 1 { unitStepBoundAtDepth = bound.uniformBound } else { shortStepBoundAtDepth = bound.uniformBound } }
                boundRows.append(["\(boundDepth)", label, NumberFormat.significant(bound.maximumFieldJacobianNorm),
                                  NumberFormat.significant(bound.measuredNorm), NumberFormat.significant(bound.productBound),
                                  NumberFormat.significant(bound.uniformBound), NumberFormat.significant(exponential)])
            }
            let plain = try JacobianNormBound(of: try network(depth: boundDepth, stepSize: 1, s, seed: k).withSkips(false), at: sample)
            boundsHold = boundsHold && plain.measuredNorm <= plain.productBound * (1 + 1e-12)
            guard k == 0 else { continue }
            boundRows.append(["\(boundDepth)", "plain", NumberFormat.significant(plain.maximumFieldJacobianNorm),
                              NumberFormat.significant(plain.measuredNorm), NumberFormat.significant(plain.productBound),
                              NumberFormat.significant(plain.uniformBound), "–"])
          }
        }
        let boundTable = ResultTable(
            caption: "‖∂x_L/∂x_0‖₂ against ∏_l(1 + h‖∂F_l/∂x‖₂) ≤ (1 + hα)^L ≤ e^{αLh}, α = max_l ‖∂F_l/∂x‖₂ "
                + "(for the plain twin: ∏‖∂F_l/∂x‖ and α^L)" + (s.seeds > 1 ? "; first seed shown, the inequalities checked for all \(s.seeds)" : ""),
            columns: ["L", "h", "α", "measured ‖J‖", "∏(1 + h‖J_l‖)", "(1 + hα)^L", "e^{αLh}"],
            rows: boundRows)

        progress("figure")
        let figure = spectrumFigure(linear: zip(cases.map(\.name), linear).map { ($0, $1.measured.singularValues) },
                                    nonlinear: [("plain F_l(x)", plainSpectrum.singularValues),
                                                ("residual x + F_l(x)/L", residualSpectrum.singularValues),
                                                ("residual x + F_l(x)", unitStepSpectrum.singularValues)],
                                    settings: s)

        let reproduced = worstLinearError <= 1e-10 && plainLargest < 1e-3
            && residualRange.lowerBound >= 0.1 && residualRange.upperBound <= 10 && boundsHold
        let summary = "Linear, L = \(depth): λ^L, (1 + λ)^L and (1 + λ/L)^L match the measured eigenvalues to "
            + "\(NumberFormat.scientific(worstLinearError, digits: 1)) of the largest (≤ 1e-10): 0.1^50 = 1e-50 against 0.9^50 = 5.2e-3 and e^{−0.1} = 0.905. "
            + "Nonlinear, L = \(depth)\(s.seeds > 1 ? ", \(s.seeds) seeds" : ""): the plain stack's largest singular value is \(NumberFormat.scientific(plainLargest, digits: 2)) (< 1e-3), "
            + "the residual stack's (h = 1/L) lie in [\(NumberFormat.significant(residualRange.lowerBound)), "
            + "\(NumberFormat.significant(residualRange.upperBound))] (within [0.1, 10]). "
            + "‖J‖ ≤ ∏(1 + h‖J_l‖) ≤ (1 + hα)^L \(boundsHold ? "held" : "FAILED") in every case; at L = \(depth) the bound is "
            + "\(NumberFormat.significant(unitStepBoundAtDepth)) for h = 1 and \(NumberFormat.significant(shortStepBoundAtDepth)) for h = 1/L."
        return PaperResult(paper: self, profile: profile, tables: [linearTable, nonlinearTable, boundTable], figures: [figure],
                           verdict: Verdict(reproduced: reproduced, summary: summary), seconds: clock.seconds,
                           numbers: ["linearRelativeError": worstLinearError, "plainLargestSingularValue": plainLargest,
                                     "residualSmallestSingularValue": residualRange.lowerBound,
                                     "residualLargestSingularValue": residualRange.upperBound, "boundsHold": boundsHold ? 1 : 0,
                                     "unitStepUniformBound": unitStepBoundAtDepth, "shortStepUniformBound": shortStepBoundAtDepth])
    }

    /// A tanh ResNet (untied, PyTorch initialisation from seed `5 + 100k`) as a chain with step `h`.
    func network(depth: Int, stepSize: Double, _ s: Settings, seed k: Int) throws -> BlockChain {
        let spec = try ResidualNetworkSpec(dimension: s.dimension, hidden: s.hidden, depth: depth, stepSize: stepSize)
        return try BlockChain(try ResidualNetwork(spec: spec, seed: 5 &+ 100 &* UInt64(k)))
    }

    /// `Q·diag(values)·Qᵀ` with `Q` the orthonormal eigenvectors of a seeded random symmetric matrix.
    func rotatedDiagonal(_ values: [Double], seed: UInt64) throws -> Tensor {
        let n = values.count
        var generator = SeededGenerator(seed: seed)
        let random = (0..<(n * n)).map { _ in generator.nextNormal() }
        let q = try GSLLinearAlgebra.symmetricEigendecomposition(of: random, rows: n, columns: n).eigenvectors
        var a = [Double](repeating: 0, count: n * n)
        for (lambda, v) in zip(values, q) {
            for i in 0..<n { for j in 0..<n { a[i * n + j] += lambda * v[i] * v[j] } }
        }
        return try Tensor(shape: [n, n], scalars: a)
    }

    func linearTable(_ names: [String], _ spectra: [LinearBlockSpectrum], depth: Int) -> ResultTable {
        var rows: [[String]] = []
        for (name, spectrum) in zip(names, spectra) {
            for (k, lambda) in spectrum.blockEigenvalues.enumerated() {
                let predicted = spectrum.predictedEigenvalues[k], measured = spectrum.measuredEigenvalues[k]
                let error = GSLComplexNumber(real: measured.real - predicted.real, imaginary: measured.imaginary - predicted.imaginary).magnitude
                rows.append([name, NumberFormat.significant(lambda.real), NumberFormat.significant(predicted.real),
                             NumberFormat.significant(measured.real), NumberFormat.scientific(error / Swift.max(Swift.abs(predicted.real), .leastNormalMagnitude), digits: 1)])
            }
        }
        return ResultTable(
            caption: "Linear blocks A = Q·diag(0.1, −0.1, 0.05, −0.05)·Qᵀ (Q a random rotation), L = \(depth): predicted λ^L or (1 + hλ)^L against the "
                + "eigenvalues of the measured ∂x_L/∂x_0 (JVPs, GSL eigenvalues). An eigenvalue is accurate to about "
                + "1e-16 × the largest one (backward stability), which is why 0.05^50 next to 0.1^50 is off by a few per cent",
            columns: ["stack", "λ", "predicted", "measured", "relative error"],
            rows: rows)
    }

    /// Singular values `σ_i` against `i` for every stack on a log axis, and the residual stacks
    /// (which overlap near 1 there) again on a log axis zoomed onto them.
    func spectrumFigure(linear: [(String, [Double])], nonlinear: [(String, [Double])], settings s: Settings) -> Figure {
        let all = linear.map { ("linear: " + $0.0, $0.1) } + nonlinear.map { ("tanh: " + $0.0, $0.1) }
        let count = all.map(\.1.count).max() ?? 0
        let rows = (0..<count).map { i in [Double(i + 1)] + all.map { i < $0.1.count && $0.1[i] > 0 ? $0.1[i] : .nan } }
        // Linear stacks dashed with open markers, tanh stacks solid with filled ones; one colour per stack.
        let colours = ["#9467bd", "#2ca02c", "#17becf", "#ff7f0e", "#d62728", "#1f77b4"]
        let plot = { (k: Int, series: (String, [Double])) in
            "DATA using 1:\(k + 2) with linespoints lw 2 pt \(k < linear.count ? [4, 6, 8, 10][k % 4] : [5, 7, 9, 11][k % 4]) "
                + "\(k < linear.count ? "dt 2 " : "")lc rgb '\(colours[k % colours.count])' title \(Figure.quoted(series.0))"
        }
        let plots = all.enumerated().map(plot)
        let residual = all.enumerated().filter { $0.element.0.contains("residual") }.map(plot)
        return Figure(name: "singular-values",
                      title: "Singular values of ∂x_L/∂x_0, L = \(s.depth) (linear: d = \(SeedEigenAnchor.blockEigenvalues.count), A with "
                        + "eigenvalues ±0.1, ±0.05; tanh: d = \(s.dimension), hidden \(s.hidden), seed 0): plain stacks collapse, residual ones stay near 1",
                      columns: ["i"] + all.map(\.0), rows: rows,
                      gnuplot: """
                      set multiplot layout 1,2 title TITLE
                      set xlabel 'index i (largest first)'
                      set ylabel 'singular value σ_i (dimensionless)'
                      set xtics 1
                      set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
                      set key below maxrows 3
                      set title 'all stacks (log scale)'
                      set logscale y
                      plot \(plots.joined(separator: ", \\\n     "))
                      set title 'residual stacks only (log scale, zoomed)'
                      plot \(residual.joined(separator: ", \\\n     "))
                      unset multiplot
                      """, size: Figure.Size(width: 1300, height: 680))
    }
}
