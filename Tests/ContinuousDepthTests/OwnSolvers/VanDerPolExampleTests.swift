// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Testing
import TensorCore

/// The Van der Pol example of the article "Solve an ODE" (which `DocumentationTests` runs
/// verbatim at rtol 1e-8), here at rtol 1e-10 with its claims checked more tightly.
@Suite("Van der Pol with events and dense output")
struct VanDerPolExampleTests {
    @Test("The limit-cycle period of Van der Pol (μ = 1) from upward zero crossings is 6.6632868593 to 1e-7")
    func vanDerPolPeriod() throws {
        let mu = 1.0  // x' = v,  v' = μ(1 − x²)v − x, one state per row [x, v]
        let vanDerPol = ClosureVectorField(dimension: 2) { state, _, _ in
            let x = try state.slice(0..<1, alongAxis: 1), v = try state.slice(1..<2, alongAxis: 1)
            return try Variable.concatenate([v, try mu * (try (1 - x * x) * v) - x], alongAxis: 1)
        }
        let solver = try EmbeddedRungeKuttaSolver(.tsitouras54, relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
        let upward = try ODEEvent(direction: .increasing) { _, state in state[0, 0] }
        let solution = try solver.solve(vanDerPol, initialState: try Tensor([[2, 0]]), from: 0, to: 40,
                                        saving: .times([40]), events: [upward], keepingDenseOutput: true)
        let period = solution.events[4].time - solution.events[3].time  // 6.66328686 (μ = 1)
        let x7 = try solution.interpolant?.value(at: 7)                 // the state at t = 7, no new evaluation

        // SciPy's DOP853 and Radau at rtol 1e-13 both give 6.6632868593231 between the 4th and 5th
        // upward crossings from (2, 0) (the 2nd–3rd give 6.6632868545811: the transient).
        #expect(abs(period - 6.6632868593231) <= 1e-7, "period \(period)")
        let reference = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-13, absoluteTolerance: 1e-13)
            .solve(vanDerPol, initialState: try Tensor([[2, 0]]), from: 0, to: 40, saving: .times([40]),
                   events: [upward], keepingDenseOutput: false)
        #expect(abs(reference.events[2].time - reference.events[1].time - 6.6632868545811) <= 1e-9)
        #expect(abs(reference.events[4].time - reference.events[3].time - 6.6632868593231) <= 1e-9)
        #expect(solution.events.count == 6)
        // The dense value at t = 7 agrees with a solve that ends there.
        let direct = try #require(try solver.solve(vanDerPol, initialState: try Tensor([[2, 0]]), from: 0, to: 7).finalState)
        #expect(try #require(x7).isApproximatelyEqual(to: direct, relativeTolerance: 1e-7))
    }
}
