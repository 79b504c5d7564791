// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE
import Testing

/// The code of the article "Choosing a solver", run as written
/// (`scripts/check-doc-snippets.py` checks that every snippet there is here verbatim).
@Suite("Article: Choosing a solver")
struct ChoosingASolverArticleTests {
    let field: NeuralVectorField
    let x0: Tensor
    let tight: EmbeddedRungeKuttaSolver

    init() throws {
        // snippet: setup
        let block = try NeuralODEBlock(spec: try NeuralODESpec(dimension: 3, hidden: 16), seed: 5)
        let field = try block.field(block.parameters.values.map { $0 * 2 })   // a livelier field
        var generator = SeededGenerator(seed: 6)
        let x0 = try Tensor.randomNormal([64, 3], using: &generator)         // 64 states of 3 components
        let tight = try EmbeddedRungeKuttaSolver(.dormandPrince87, relativeTolerance: 1e-13, absoluteTolerance: 1e-13)
        // end snippet
        self.field = field; self.x0 = x0; self.tight = tight
    }

    @Test("at the same rtol/atol the max norm gives a smaller error and takes more steps than the RMS norm, for both steppers")
    func maxNormVersusRootMeanSquare() throws {
        let field = self.field, x0 = self.x0, tight = self.tight
        // snippet: norms
        let reference = try tight.solve(field, initialState: x0, from: 0, to: 1).states.last!
        var errors: [String: Double] = [:], steps: [String: Int] = [:]
        for norm in [ErrorTolerance.Norm.maximum, .rootMeanSquare] {
            let options = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 1e-8, norm: norm)
            let solvers: [(String, any ODESolver)] = [("gsl rkf45", GSLNeuralODESolver(stepType: .rkf45, options: options)),
                                                      ("own dopri5", try EmbeddedRungeKuttaSolver(.dormandPrince54, options: options))]
            for (name, solver) in solvers {
                let run = try solver.solve(field, initialState: x0, from: 0, to: 1)
                errors["\(name) \(norm)"] = try (run.states.last! - reference).maxNorm()
                steps["\(name) \(norm)"] = run.statistics.acceptedSteps
                print(name, norm, errors["\(name) \(norm)"]!, run.statistics)
            }
        }
        // end snippet
        for name in ["gsl rkf45", "own dopri5"] {
            let maxError = errors["\(name) maximum"]!, rmsError = errors["\(name) rootMeanSquare"]!
            #expect(maxError < rmsError, "\(name): max-norm error \(maxError), RMS error \(rmsError)")
            #expect(steps["\(name) maximum"]! > steps["\(name) rootMeanSquare"]!)
        }
        // Each solver's default: GSL tests the max norm, the own solvers the RMS norm.
        #expect(GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-6, absoluteTolerance: 1e-8).errorNorm == .maximum)
        #expect(try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 1e-8).tolerance.norm == .rootMeanSquare)
    }

    @Test("dense output: a cubic Hermite between long 8th-order steps loses their accuracy; dopri5's order-4 extension is 100× better")
    func denseOutput() throws {
        let field = self.field, x0 = self.x0, tight = self.tight
        // snippet: dense
        let times = (1...99).map { Double($0) / 100 }
        let exact = try tight.solve(field, initialState: x0, from: 0, to: 1, at: times).states
        let final = try tight.solve(field, initialState: x0, from: 0, to: 1).states.last!
        let options = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 1e-8, norm: .maximum)
        let dense: [(String, any ODESolver)] = [
            ("gsl rkf45", GSLNeuralODESolver(stepType: .rkf45, options: options)),
            ("gsl rk8pd", GSLNeuralODESolver(stepType: .rk8pd, options: options, outputMode: .interpolating)),
            ("own dopri5", try EmbeddedRungeKuttaSolver(.dormandPrince54, options: options)),
            ("own dopri8", try EmbeddedRungeKuttaSolver(.dormandPrince87, options: options)),
        ]
        var denseErrors: [(atEnd: Double, between: Double)] = []
        for (name, solver) in dense {
            let run = try solver.solve(field, initialState: x0, from: 0, to: 1, saving: .times([1]), events: [],
                                       keepingDenseOutput: true)
            let interpolant = run.interpolant!
            let between = try zip(times, exact).map { try (interpolant.value(at: $0) - $1).maxNorm() }.max()!
            let atEnd = try (run.states.last! - final).maxNorm()
            print(name, "order", interpolant.order, "error at t = 1", atEnd, "between steps", between, run.statistics)
            denseErrors.append((atEnd, between))
        }
        // end snippet
        // A cubic between long 8th-order steps loses most of their accuracy; dopri5's
        // 4th-order extension is far more accurate between its steps than either.
        #expect(denseErrors[1].between > 10 * denseErrors[1].atEnd, "rk8pd Hermite: \(denseErrors[1])")
        #expect(denseErrors[3].between > 10 * denseErrors[3].atEnd, "dopri8 Hermite: \(denseErrors[3])")
        #expect(100 * denseErrors[2].between < min(denseErrors[1].between, denseErrors[3].between),
                "dopri5 extension: \(denseErrors[2])")
    }

    @Test("stiff batch: kvaerno5 and rodas4 factor d × d blocks, GSL's bsimp one (B·d)² matrix; all agree")
    func stiffCosts() throws {
        // snippet: stiff
        let k = 1e4   // 16 systems [x, y] (B·d = 32 ≤ 1024: GSL accepts)
        let relaxation = ClosureVectorField(dimension: 2) { state, _, _ in   // [x, y]: x' = −k (x − y), y' = −y
            let x = try state.slice(0..<1, alongAxis: 1), y = try state.slice(1..<2, alongAxis: 1)
            return try Variable.concatenate([try -k * (try x - y), try -1 * y], alongAxis: 1)
        }
        let start = try Tensor.ones([16, 2])
        let stiff: [(String, any ODESolver)] = [
            ("kvaerno5", try Kvaerno5Solver(relativeTolerance: 1e-6, absoluteTolerance: 1e-8)),
            ("rodas4", try Rodas4Solver(relativeTolerance: 1e-6, absoluteTolerance: 1e-8)),
            ("gsl bsimp", GSLNeuralODESolver(stepType: .bsimp, relativeTolerance: 1e-6, absoluteTolerance: 1e-8)),
        ]
        var results: [Tensor] = []
        for (name, solver) in stiff {
            let run = try solver.solve(relaxation, initialState: start, from: 0, to: 1)
            print(name, run.statistics)   // steps, f evaluations, Jacobians
            results.append(run.states.last!)
        }
        // end snippet
        let exact = k / (k - 1) * exp(-1.0)
        for r in results { #expect(abs(r[15, 0] - exact) < 1e-5 && abs(r[15, 1] - exp(-1.0)) < 1e-5) }
    }
}
