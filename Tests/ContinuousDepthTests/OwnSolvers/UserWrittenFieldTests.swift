// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif
import ContinuousDepth
import GSLBridge
import Testing
import NetworkLayers
import TensorCore

/// Plain ODEs written by a user in a few lines with the elementwise functions
/// of `Variable` (no custom operation, no hand-written derivative), solved by
/// the own solvers and checked against facts that do not come from the solver:
/// the pendulum's conserved energy and exact period, and an independent GSL
/// solve of Van der Pol at a much tighter tolerance.
@Suite("User-written fields: pendulum and Van der Pol on the own solvers")
struct UserWrittenFieldTests {
    /// `g/L` of the pendulum (s⁻²).
    static let gravityOverLength = 9.81

    /// `θ'' = −(g/L)·sin θ` as `(θ, ω)' = (ω, −(g/L)·sin θ)`, with `g/L` a parameter.
    static func pendulum() throws -> ClosureVectorField {
        try ClosureVectorField(dimension: 2, parameters: ParameterList(names: ["g/L"], values: [Tensor(gravityOverLength)])) {
            x, _, p in
            let theta = try x.slice(0..<1, alongAxis: 1), omega = try x.slice(1..<2, alongAxis: 1)
            return try Variable.concatenate([omega, -(try theta.sin() * p[0])], alongAxis: 1)
        }
    }

    /// `x'' = μ(1 − x²)x' − x` as `(x, v)' = (v, μ(1 − x²)v − x)`.
    static func vanDerPol(mu: Double) -> ClosureVectorField {
        ClosureVectorField(dimension: 2) { y, _, _ in
            let x = try y.slice(0..<1, alongAxis: 1), v = try y.slice(1..<2, alongAxis: 1)
            return try Variable.concatenate([v, try (1 - x.square()) * v * mu - x], alongAxis: 1)
        }
    }

    /// `E = ½ω² − (g/L)·cos θ` per row, conserved along the exact flow.
    static func energy(_ state: Tensor) -> [Double] {
        (0..<state.shape[0]).map { b in 0.5 * state[b, 1] * state[b, 1] - gravityOverLength * cos(state[b, 0]) }
    }

    /// The exact period of a pendulum released at rest from `θ0`:
    /// `T = 4·K(sin(θ0/2))/√(g/L)` with `K(k) = π / (2·AGM(1, √(1 − k²)))`.
    ///
    /// Reference: Abramowitz & Stegun, *Handbook of Mathematical Functions*, 17.6.
    static func period(releasedFrom theta0: Double) -> Double {
        let k = sin(theta0 / 2)
        var (a, b) = (1.0, (1 - k * k).squareRoot())
        // Quadratic convergence: 8 steps reach full precision for k ≤ sin(1.5); a tolerance
        // test could cycle between two neighbouring doubles.
        for _ in 0..<8 { (a, b) = ((a + b) / 2, (a * b).squareRoot()) }
        return 4 * (Double.pi / (2 * a)) / gravityOverLength.squareRoot()
    }

    @Test("Pendulum from θ0 = 0.5, 1, 2, 3 rad: after one exact period the state returns to (θ0, 0) within 30·rtol, and the energy drifts less than 30·rtol·|E|")
    func pendulumPeriodAndEnergy() throws {
        let rtol = 1e-9
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: rtol, absoluteTolerance: rtol)
        let starts = [0.5, 1, 2, 3]
        for theta0 in starts {
            let x0 = try Tensor([[theta0, 0]])
            let period = Self.period(releasedFrom: theta0)
            // The last output time is the period itself, not 50·(T/50), which may round past it.
            let times = (1..<50).map { period * Double($0) / 50 } + [period]
            let trajectory = try solver.solve(try Self.pendulum(), initialState: x0, from: 0, to: period, at: times)
            let e0 = Self.energy(x0)[0]
            let drift = trajectory.states.map { abs(Self.energy($0)[0] - e0) }.max() ?? .infinity
            #expect(drift <= 30 * rtol * abs(e0), "θ0 = \(theta0): energy drift \(drift), |E| = \(abs(e0))")
            let final = try #require(trajectory.finalState)
            #expect(abs(final[0, 0] - theta0) <= 30 * rtol && abs(final[0, 1]) <= 30 * rtol * 9.81.squareRoot() * 2,
                    "θ0 = \(theta0): state after one period \(final)")
            // Half a period later the pendulum is at the other extreme, (−θ0, 0).
            let half = try solver.solve(try Self.pendulum(), initialState: x0, from: 0, to: period / 2)
            #expect(abs(try #require(half.finalState)[0, 0] + theta0) <= 30 * rtol, "θ0 = \(theta0)")
        }
    }

    @Test("A pendulum written as a closure: 100 dense outputs whose energy stays within 10·rtol·|E|")
    func pendulumDenseOutputs() throws {
        let pendulum = ClosureVectorField(dimension: 2) { x, _, _ in    // x = [θ, ω], one row per trajectory
            let theta = try x.slice(0..<1, alongAxis: 1), omega = try x.slice(1..<2, alongAxis: 1)
            return try Variable.concatenate([omega, try theta.sin() * -9.81], alongAxis: 1)
        }
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-9, absoluteTolerance: 1e-9)
        let path = try solver.solve(pendulum, initialState: try Tensor([[2.0, 0]]), from: 0, to: 10,
                                    at: (1...100).map { Double($0) / 10 })    // dense output, no extra evaluations
        #expect(path.states.count == 100)
        let e0 = Self.energy(try Tensor([[2.0, 0]]))[0]
        for state in path.states { #expect(abs(Self.energy(state)[0] - e0) <= 10 * 1e-9 * abs(e0)) }
    }

    @Test("A tighter tolerance conserves the pendulum's energy better: drift falls by at least 10³ over four decades of rtol")
    func energyDriftFollowsTolerance() throws {
        let x0 = try Tensor([[2.0, 0]])
        let period = Self.period(releasedFrom: 2)
        var drifts: [Double] = []
        for rtol in [1e-5, 1e-7, 1e-9] {
            let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: rtol, absoluteTolerance: rtol)
            let trajectory = try solver.solve(try Self.pendulum(), initialState: x0, from: 0, to: 4 * period,
                                              at: (1...40).map { 4 * period * Double($0) / 40 })
            let e0 = Self.energy(x0)[0]
            drifts.append(trajectory.states.map { abs(Self.energy($0)[0] - e0) }.max() ?? .infinity)
        }
        #expect(drifts[0] > drifts[1] && drifts[1] > drifts[2], "drifts \(drifts)")
        #expect(drifts[0] / drifts[2] >= 1e3, "drifts \(drifts)")
    }

    @Test("Van der Pol (μ = 0.5): Dormand–Prince at rtol 1e-6 stays within 100·rtol of GSL rk8pd at 1e-13 over [0, 20]")
    func vanDerPolAgainstTightReference() throws {
        let field = Self.vanDerPol(mu: 0.5)
        let x0 = try Tensor([[2, 0], [0.1, 0.3]])
        let times = (1...40).map { 0.5 * Double($0) }
        let reference = try GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-13, absoluteTolerance: 1e-13)
            .solve(field, initialState: x0, from: 0, to: 20, at: times)
        for rtol in [1e-6, 1e-9] {
            let own = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: rtol, absoluteTolerance: rtol)
                .solve(field, initialState: x0, from: 0, to: 20, at: times)
            let error = try zip(own.states, reference.states).map { try ($0 - $1).maxNorm() }.max() ?? .infinity
            #expect(error <= 100 * rtol, "rtol \(rtol): max error \(error)")
            #expect(error >= rtol / 100, "rtol \(rtol): error \(error) suspiciously small for this tolerance")
        }
        // The limit cycle: after a few periods the amplitude is close to 2 from either start.
        let late = try #require(reference.finalState)
        let amplitudes = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-8, absoluteTolerance: 1e-8)
            .solve(field, initialState: late, from: 20, to: 27, at: (1...700).map { 20 + 0.01 * Double($0) })
            .states.reduce([0.0, 0.0]) { m, s in [max(m[0], abs(s[0, 0])), max(m[1], abs(s[1, 0]))] }
        for a in amplitudes { #expect(abs(a - 2) < 0.02, "amplitude \(amplitudes)") }
    }

    @Test("∂θ(t)/∂(g/L) by backprop through Dormand–Prince matches central differences and the scaling law ω(t)·t/(2g/L) to 1e-8")
    func pendulumParameterGradient() throws {
        // θ(t; c) = Θ(t·√c) for c = g/L, so ∂θ/∂c = ω(t)·t/(2c): an exact derivative to check against.
        let rtol = 1e-10
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: rtol, absoluteTolerance: rtol)
        let x0 = try Tensor([[2.0, 0]])
        let t1 = 0.3 * Self.period(releasedFrom: 2)
        let field = try Self.pendulum()
        let gradient = try BackpropThroughSolver(solver).gradient(of: field, initialState: x0, from: 0,
                                                                   observationTimes: [t1]) { states in
            try states[0].slice(0..<1, alongAxis: 1).sum()
        }
        func finalState(_ gravityOverLength: Double) throws -> Tensor {
            var changed = field
            changed.parameters.values = [Tensor(gravityOverLength)]
            return try #require(try solver.solve(changed, initialState: x0, from: 0, to: t1).finalState)
        }
        let c = Self.gravityOverLength, step = 1e-4
        let differences = (try finalState(c + step)[0, 0] - (try finalState(c - step)[0, 0])) / (2 * step)
        let scalingLaw = try finalState(c)[0, 1] * t1 / (2 * c)
        let computed = try #require(gradient.parameters.first?.scalar)
        #expect(abs(computed - differences) <= 1e-8 * abs(differences), "backprop \(computed), differences \(differences)")
        #expect(abs(computed - scalingLaw) <= 1e-8 * abs(scalingLaw), "backprop \(computed), ω·t/(2c) = \(scalingLaw)")
        #expect(abs(scalingLaw) > 0.1, "the check needs a point where θ moves: ω·t/(2c) = \(scalingLaw)")
    }

    @Test("A field that takes log of a negative number meets NaN, and the solver throws nonFinite with the time")
    func domainErrorBecomesTypedSolverError() throws {
        // y' = log y from y(0) = 0.5 reaches y = 0, with infinite slope, at t = −li(0.5) ≈ 0.379;
        // a trial step past it evaluates log of a negative number.
        let field = ClosureVectorField(dimension: 1) { y, _, _ in try y.log() }
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
        do {
            _ = try solver.solve(field, initialState: try Tensor([[0.5]]), from: 0, to: 5)
            Issue.record("the solve crossed log's domain boundary without an error")
        } catch let error as ContinuousDepthError {
            switch error {
            case .nonFinite(let time, _), .stepSizeTooSmall(let time, _, _):
                #expect(time > 0.3 && time < 0.4, "\(error)")
            default:
                Issue.record("unexpected error \(error)")
            }
        }
    }
}
