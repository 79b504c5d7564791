// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE
import Testing

/// The code of the article "Solve an ODE", run as written
/// (`scripts/check-doc-snippets.py` checks that every snippet there is here verbatim).
@Suite("Article: Solve an ODE")
struct SolveAnODEArticleTests {
    @Test("Van der Pol: the limit-cycle period from events, dense output equal to a solve to t = 7, any method")
    func vanDerPol() throws {
        // snippet: field
        let mu = 1.0  // x' = v,  v' = μ(1 − x²)v − x, one state per row [x, v]
        let vanDerPol = ClosureVectorField(dimension: 2) { state, _, _ in
            let x = try state.slice(0..<1, alongAxis: 1), v = try state.slice(1..<2, alongAxis: 1)
            return try Variable.concatenate([v, try mu * (try (1 - x * x) * v) - x], alongAxis: 1)
        }
        // snippet: solve
        let solver = try EmbeddedRungeKuttaSolver(.tsitouras54, relativeTolerance: 1e-8, absoluteTolerance: 1e-10)
        let upward = try ODEEvent(direction: .increasing) { _, state in state[0, 0] }
        let solution = try solver.solve(vanDerPol, initialState: try Tensor([[2, 0]]), from: 0, to: 40,
                                        saving: .times([40]), events: [upward], keepingDenseOutput: true)
        let period = solution.events[4].time - solution.events[3].time  // 6.6632869 (μ = 1)
        let x7 = try solution.interpolant!.value(at: 7)                 // the state at t = 7, no new evaluation
        // snippet: methods
        let methods: [(String, any ODESolver)] = [
            ("dopri5", try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-8, absoluteTolerance: 1e-10)),
            ("dopri8", try EmbeddedRungeKuttaSolver(.dormandPrince87, relativeTolerance: 1e-8, absoluteTolerance: 1e-10)),
            ("gsl rk8pd", GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-8, absoluteTolerance: 1e-10)),
            ("gsl msadams", GSLNeuralODESolver(stepType: .msadams, relativeTolerance: 1e-8, absoluteTolerance: 1e-10)),
        ]
        for (name, method) in methods {
            let run = try method.solve(vanDerPol, initialState: try Tensor([[2, 0]]), from: 0, to: 7)
            print(name, try (run.states.last! - x7).maxNorm(), run.statistics)  // all agree to ≈ 1e-6
        }
        // end snippet
        #expect(abs(period - 6.6632868593) < 1e-5, "period \(period)")
        for (name, method) in methods {
            let run = try method.solve(vanDerPol, initialState: try Tensor([[2, 0]]), from: 0, to: 7)
            #expect(try (run.states.last! - x7).maxNorm() < 1e-5, "\(name)")
        }
    }

    @Test("a terminal event stops the solve where a falling ball reaches the ground")
    func terminalEvent() throws {
        // snippet: terminal
        let fall = ClosureVectorField(dimension: 2) { state, _, _ in   // [height, velocity], g = 9.81 m/s²
            try Variable.concatenate([try state.slice(1..<2, alongAxis: 1),
                                      Variable(try Tensor(shape: [state.shape[0], 1], repeating: -9.81))], alongAxis: 1)
        }
        let ground = try ODEEvent(direction: .decreasing, isTerminal: true) { _, state in state[0, 0] }
        let drop = try EmbeddedRungeKuttaSolver(.bogackiShampine32, relativeTolerance: 1e-8, absoluteTolerance: 1e-10)
            .solve(fall, initialState: try Tensor([[10, 0]]), from: 0, to: 5, saving: .times([5]),
                   events: [ground], keepingDenseOutput: false)
        let impact = drop.terminalEvent!.time   // √(2·10 / 9.81) = 1.4278 s
        // end snippet
        #expect(abs(impact - (2 * 10 / 9.81).squareRoot()) < 1e-9)
        #expect(drop.times.allSatisfy { $0 <= impact })
        #expect(abs(drop.terminalEvent!.state[0, 0]) < 1e-8)
    }

    @Test("a stiff batch: kvaerno5 and rodas4 follow the slow manifold; GSL's dense-Jacobian bsimp refuses B·d > 1024")
    func stiffBatch() throws {
        // snippet: stiff
        let k = 1e4   // x relaxes at rate 1e4 onto y, which decays at rate 1
        let relaxation = ClosureVectorField(dimension: 2) { state, _, _ in   // [x, y]: x' = −k (x − y), y' = −y
            let x = try state.slice(0..<1, alongAxis: 1), y = try state.slice(1..<2, alongAxis: 1)
            return try Variable.concatenate([try -k * (try x - y), try -1 * y], alongAxis: 1)
        }
        let batch = try Tensor.ones([8, 2])      // 8 independent systems, x = y = 1
        let kvaerno = try Kvaerno5Solver(relativeTolerance: 1e-8, absoluteTolerance: 1e-10)
        let rodas = try Rodas4Solver(relativeTolerance: 1e-8, absoluteTolerance: 1e-10)
        let viaKvaerno = try kvaerno.solve(relaxation, initialState: batch, from: 0, to: 1)
        let viaRodas = try rodas.solve(relaxation, initialState: batch, from: 0, to: 1)
        let exact = k / (k - 1) * exp(-1.0)   // x(1); the transient e^(−kt) is gone
        print(viaKvaerno.states.last![0, 0] - exact, viaKvaerno.statistics)
        print(viaRodas.states.last![0, 0] - exact, viaRodas.statistics)
        let bsimp = GSLNeuralODESolver(stepType: .bsimp, relativeTolerance: 1e-8, absoluteTolerance: 1e-10)
        let large = try Tensor.zeros([520, 2])   // B·d = 1040: GSL would factor one 1040 × 1040 Jacobian
        // try bsimp.solve(relaxation, initialState: large, from: 0, to: 1) throws, naming kvaerno5 and rodas4
        // end snippet
        #expect(abs(viaKvaerno.states.last![7, 0] - exact) < 1e-7)
        #expect(abs(viaRodas.states.last![7, 0] - exact) < 1e-7)
        #expect(throws: ContinuousDepthError.self) { try bsimp.solve(relaxation, initialState: large, from: 0, to: 1) }
    }
}
