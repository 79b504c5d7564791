// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import ResidualNets
import NetworkLayers
import TensorCore

/// ResNet → ODE: a residual network with tied weights and `h = T/L` is `L` steps of an explicit
/// Runge–Kutta method for `x' = F(x)`, so as `L → ∞` it converges to the ODE's flow with the
/// method's order:
///
///     ‖x_L − x(T)‖ = O(h^p),   p = 1 (Euler: x + hF), 2 (Heun, midpoint), 4 (RK4 blocks)
///
/// The flow is GSL's rk8pd at `rtol = atol = 1e-13`. The observed order is the least-squares
/// slope of `log error` against `log h`.
///
/// Reference: E, "A proposal on machine learning via dynamical systems", Commun. Math. Stat. 5
/// (2017); Lu, Zhong, Li & Dong, "Beyond finite layer neural networks", ICML 2018; Hairer,
/// Nørsett & Wanner, *Solving ODEs I*, §II.3; Papers/euler-convergence.
public struct EulerConvergence: Paper {
    /// What one profile measures.
    public struct Settings: Sendable, Equatable {
        /// The depths `L` for each block scheme.
        public var depths: [BlockScheme: [Int]]
        /// Independent draws of the field's weights and the states; the verdict must hold for every one.
        public var seeds: Int
    }

    /// `T`.
    public static let endTime = 1.0
    /// The scale applied to the PyTorch-initialised weights, so the flow is far from the identity.
    public static let weightScale = 2.5

    /// The folder name under `Papers/` and the command-line key.
    public let id = "euler-convergence"
    /// A short title.
    public let title = "ResNet → ODE: convergence with the order of the block scheme"
    /// The claim, with its equation.
    public let claim = "A residual network with tied weights and step h = T/L is L steps of an explicit Runge–Kutta method "
        + "for x' = F(x); as L → ∞ its output converges to the flow x(T) with the method's order: ‖x_L − x(T)‖ = O(h^p), "
        + "p = 1 for Euler blocks x + h·F(x), 2 for Heun and midpoint blocks, 4 for RK4 blocks."
    /// The sources, with sections.
    public let source = "E, \"A proposal on machine learning via dynamical systems\", Commun. Math. Stat. 5 (2017), §2; "
        + "Lu, Zhong, Li & Dong, \"Beyond finite layer neural networks\", ICML 2018, §2 (RK-Nets); "
        + "Hairer, Nørsett & Wanner, Solving ODEs I, §II.3 (convergence of RK methods)"

    /// The reproduction; the profile passed to `run` chooses how much it measures.
    public init() {}

    /// The settings of a profile.
    public func settings(for profile: Profile) -> Settings {
        switch profile {
        case .quick:
            return Settings(depths: [.euler: [8, 16, 32, 64, 128], .heun: [8, 16, 32, 64], .midpoint: [8, 16, 32, 64],
                                     .rk4: [4, 8, 16, 32]], seeds: 1)
        case .full:
            return Settings(depths: [.euler: [16, 32, 64, 128, 256, 512, 1024], .heun: [8, 16, 32, 64, 128, 256, 512],
                                     .midpoint: [8, 16, 32, 64, 128, 256, 512], .rk4: [4, 8, 16, 32, 64]], seeds: 8)
        }
    }

    /// The accepted distance between the fitted slope and the order `p`: 0.1, or 0.05·p.
    public static func slopeTolerance(order: Int) -> Double { Swift.max(0.1, 0.05 * Double(order)) }

    /// Measures the profile\'s settings and judges the claim against the thresholds above.
    public func run(profile: Profile, progress: @escaping @Sendable (String) -> Void) throws -> PaperResult {
        let clock = Stopwatch()
        let s = settings(for: profile)
        guard s.seeds >= 1 else {
            throw ExperimentError.invalidArgument(name: "seeds", value: "\(s.seeds)", reason: "needs at least one seed")
        }
        // runs[k]: the errors and fits of seed k; seed 0 is tabulated and plotted.
        let runs = try (0..<s.seeds).map { k in try measure(seed: k, s, progress: progress) }
        let (errors, fits) = (runs[0].errors, runs[0].fits)

        let schemes = BlockScheme.allCases.filter { errors[$0] != nil }
        let allDepths = Set(errors.values.flatMap(\.keys)).sorted()
        let errorTable = ResultTable(
            caption: "max |x_L − x(T)| over a batch of 6 states (d = 3, tied tanh MLP field, hidden 12, weights × 2.5, T = 1"
                + (s.seeds > 1 ? "; first of \(s.seeds) seeds)" : ")"),
            columns: ["L", "h"] + schemes.map { $0.rawValue },
            rows: allDepths.map { depth in
                ["\(depth)", NumberFormat.significant(EulerConvergence.endTime / Double(depth))]
                    + schemes.map { scheme in errors[scheme]?[depth].map { NumberFormat.scientific($0, digits: 2) } ?? "–" }
            })
        var allWithin = true
        // For each scheme, the slope furthest from its order over all seeds decides.
        var worstSlopes: [BlockScheme: Double] = [:]
        let slopeRows = schemes.map { scheme -> [String] in
            let slopes = runs.map { $0.fits[scheme]?.slope ?? .nan }
            let worst = slopes.max { Swift.abs($0 - Double(scheme.order)) < Swift.abs($1 - Double(scheme.order)) } ?? .nan
            worstSlopes[scheme] = worst
            let tolerance = EulerConvergence.slopeTolerance(order: scheme.order)
            let ok = Swift.abs(worst - Double(scheme.order)) <= tolerance
            allWithin = allWithin && ok
            var row = [scheme.rawValue, "\(scheme.order)", NumberFormat.fixed(fits[scheme]?.slope ?? .nan, decimals: 3)]
            if s.seeds > 1 {
                row.append("\(NumberFormat.fixed(slopes.min() ?? .nan, decimals: 3))…\(NumberFormat.fixed(slopes.max() ?? .nan, decimals: 3))")
            }
            return row + ["\(NumberFormat.fixed(Double(scheme.order) - tolerance, decimals: 2))…\(NumberFormat.fixed(Double(scheme.order) + tolerance, decimals: 2))",
                          ok ? "✔" : "✘"]
        }
        let slopeTable = ResultTable(caption: "Fitted slopes of log error against log h",
                                     columns: ["block scheme", "order p", "fitted slope"] + (s.seeds > 1 ? ["over \(s.seeds) seeds"] : [])
                                         + ["accepted", ""],
                                     rows: slopeRows)
        let smallest = runs.flatMap { $0.errors.values.flatMap(\.values) }.min() ?? .nan
        let aboveFloor = smallest > 1e-11

        progress("figure")
        let figure = convergenceFigure(schemes: schemes, depths: allDepths, errors: errors)
        let reproduced = allWithin && aboveFloor
        let summary = (s.seeds > 1 ? "Over \(s.seeds) seeds, the slope furthest from p: " : "Fitted slopes: ")
            + schemes.map { "\($0.rawValue) \(NumberFormat.fixed(worstSlopes[$0] ?? .nan, decimals: 2)) (p = \($0.order))" }
            .joined(separator: ", ")
            + "; every slope within max(0.1, 0.05·p) of p: \(allWithin ? "yes" : "no"). Smallest error "
            + "\(NumberFormat.scientific(smallest, digits: 2)), above the reference's floor (> 1e-11)."
        return PaperResult(paper: self, profile: profile, tables: [errorTable, slopeTable], figures: [figure],
                           verdict: Verdict(reproduced: reproduced, summary: summary), seconds: clock.seconds,
                           numbers: Dictionary(uniqueKeysWithValues: schemes.map { ("slope.\($0.rawValue)", worstSlopes[$0] ?? .nan) })
                               .merging(["smallestError": smallest]) { a, _ in a })
    }

    /// The errors `max |x_L − x(T)|` of every scheme and depth, and their fitted slopes, for seed `k`
    /// (field weights from seed `31 + 100k`, states from `32 + 100k`).
    func measure(seed k: Int, _ s: Settings, progress: @Sendable (String) -> Void) throws
        -> (errors: [BlockScheme: [Int: Double]], fits: [BlockScheme: LogLogFit]) {
        let field = try MLPField(dimension: 3, hidden: 12)
        var generator = SeededGenerator(seed: 31 &+ 100 &* UInt64(k))
        let weights = try field.initialParameters(using: &generator).map { $0 * EulerConvergence.weightScale }
        var inputGenerator = SeededGenerator(seed: 32 &+ 100 &* UInt64(k))
        let x0 = try Tensor.randomNormal([6, 3], using: &inputGenerator)

        progress("seed \(k + 1)/\(s.seeds): reference flow, GSL rk8pd, rtol = atol = 1e-13")
        let solver = GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-13, absoluteTolerance: 1e-13)
        guard let flow = try solver.solve(try NeuralVectorField(field: field, weights: weights), initialState: x0,
                                          from: 0, to: EulerConvergence.endTime).finalState else {
            throw ExperimentError.nonFinite(what: "the reference flow (no final state)")
        }
        let named = Dictionary(uniqueKeysWithValues: zip(field.parameterNames(prefix: "f."), weights))
        var errors: [BlockScheme: [Int: Double]] = [:]
        var fits: [BlockScheme: LogLogFit] = [:]
        for scheme in BlockScheme.allCases {
            guard let depths = s.depths[scheme] else { continue }
            progress("seed \(k + 1)/\(s.seeds): \(scheme.rawValue) blocks, L = \(depths.map(String.init).joined(separator: ", "))")
            var perDepth: [Int: Double] = [:]
            for depth in depths {
                let spec = try ResidualNetworkSpec(dimension: 3, hidden: 12, depth: depth,
                                                   stepSize: EulerConvergence.endTime / Double(depth), scheme: scheme, tied: true)
                let error = (try ResidualNetwork(spec: spec, weights: named)(x0) - flow).maxNorm()
                guard error.isFinite else { throw ExperimentError.nonFinite(what: "the \(scheme.rawValue) error at L = \(depth)") }
                perDepth[depth] = error
            }
            errors[scheme] = perDepth
            fits[scheme] = try LogLogFit(x: depths.map { EulerConvergence.endTime / Double($0) }, y: depths.compactMap { perDepth[$0] })
        }
        return (errors, fits)
    }

    /// Error against `h` on log–log axes, with reference lines `C·h^p` through each scheme's first point.
    func convergenceFigure(schemes: [BlockScheme], depths: [Int], errors: [BlockScheme: [Int: Double]]) -> Figure {
        // Each reference line spans its scheme's depths, half a decade below its first point.
        let references: [(name: String, order: Int, depths: ClosedRange<Int>, h0: Double, e0: Double)] = schemes.compactMap { scheme in
            guard let first = errors[scheme]?.keys.min(), let last = errors[scheme]?.keys.max(), let e = errors[scheme]?[first] else { return nil }
            return ("h^\(scheme.order) (\(scheme.rawValue))", scheme.order, first...last, EulerConvergence.endTime / Double(first), e / 3)
        }
        let rows = depths.reversed().map { depth -> [Double] in
            let h = EulerConvergence.endTime / Double(depth)
            return [h] + schemes.map { errors[$0]?[depth] ?? .nan }
                + references.map { $0.depths.contains(depth) ? $0.e0 * Foundation.pow(h / $0.h0, Double($0.order)) : .nan }
        }
        var plots = schemes.enumerated().map { k, scheme in
            "DATA using 1:\(k + 2) with linespoints lw 2 pt \(k + 5) lc \(k + 1) title '\(scheme.rawValue) blocks (p = \(scheme.order))'"
        }
        plots += references.enumerated().map { k, r in
            "DATA using 1:\(schemes.count + k + 2) with lines dt 2 lw 1.5 lc \(k + 1) title 'C·\(r.name)'"
        }
        return Figure(name: "convergence",
                      title: "ResNet → ODE: max error over 6 states against h = T/L (d = 3, tied tanh MLP field, hidden 12, weights × "
                        + "\(EulerConvergence.weightScale), T = \(EulerConvergence.endTime), seeds 31 (weights), 32 (states); reference: GSL rk8pd at 1e-13; "
                        + "dashed: C·h^p below each scheme)",
                      columns: ["h"] + schemes.map(\.rawValue) + references.map(\.name), rows: rows,
                      gnuplot: """
                      set logscale xy
                      set xlabel 'step size h = T/L (time units; L = number of blocks)'
                      set ylabel 'max |x_L − x(T)| (state units)'
                      set offsets graph 0.02, graph 0.02, graph 0.05, graph 0.05
                      set key below maxrows 4
                      plot \(plots.joined(separator: ", \\\n     "))
                      """, size: Figure.Size(width: 1000, height: 700))
    }
}
