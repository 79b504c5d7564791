// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import GSLBridge
import NetworkLayers
import Testing
import TensorCore
import TestSupport

/// Problems for the multistep replays.
enum MultistepReplayProblems {
    /// Van der Pol, `x₀′ = x₁`, `x₁′ = μ(1 − x₀²)x₁ − x₀`, with `μ` as the parameter `"mu"`.
    static func vanDerPol(mu: Double) throws -> ClosureVectorField {
        let second = try Tensor([[0.0, 0.0], [0.0, 1.0]])   // x·secondᵀ = [0, x₁]
        let shifted = try Tensor([[0.0, 0.0], [1.0, 0.0]])  // [0, x₀]
        let rotation = try Tensor([[0.0, 1.0], [-1.0, 0.0]])  // [x₁, −x₀]
        let parameters = try ParameterList(names: ["mu"], values: [Tensor([mu])])
        return ClosureVectorField(dimension: 2, parameters: parameters) { x, _, theta in
            let x1 = try Variable.linear(x, weight: Variable(second), bias: nil)
            let x0 = try Variable.linear(x, weight: Variable(shifted), bias: nil)
            let damping = try (x1 - x0 * x0 * x1) * theta[0]
            return try Variable.linear(x, weight: Variable(rotation), bias: nil) + damping
        }
    }

    /// A quadrature `x′ = g(t)` on every row. `f` does not depend on `x`, so GSL's
    /// corrector iterations are exact after one evaluation (the functional iteration's
    /// second iterate repeats the first; Newton's matrix is `I`), and a replay of the
    /// right discrete map matches GSL to round-off.
    static func quadrature(_ g: @escaping @Sendable (Double) -> [Double]) -> ClosureVectorField {
        ClosureVectorField(dimension: 2) { x, t, _ in
            let rows = x.shape[0]
            return try x.scaled(by: 0) + Variable(try Tensor(shape: [rows, 2], scalars: (0..<rows).flatMap { _ in g(t) }))
        }
    }

    /// `g(t) = [sin t², cos t]`: the frequency grows, and the orders rise and fall.
    static let chirp = quadrature { t in [sin(t * t), cos(t)] }
    /// `g(t) = [√(10⁻⁴ + (t − 3)²), cos t]`: a rounded kink at `t = 3`.
    static let kink = quadrature { t in [(1e-4 + (t - 3) * (t - 3)).squareRoot(), cos(t)] }
    /// `g₀` jumps at `t = 3` (from `sin t` to `2 − cos t`): GSL rejects the steps across
    /// it until it restarts its method at order 1.
    static let jump = quadrature { t in [t < 3 ? sin(t) : 2 - cos(t), cos(t)] }

    static func named(_ name: String) -> ClosureVectorField {
        switch name {
        case "chirp": return chirp
        case "kink": return kink
        default: return jump
        }
    }
}

/// The multistep replays (`msadams`, `msbdf`) take GSL's own discrete map: their
/// states equal GSL's at every accepted step of adaptive solves with rejected steps,
/// order increases and decreases. Where `f` does not depend on `x` GSL's corrector is
/// exact and the agreement is round-off (≤ 1.4e-14 measured over 100–540 steps, one
/// with a restart of GSL's method after rejected steps at a jump of `f`);
/// otherwise it is GSL's corrector iteration error, which GSL bounds by a fraction of
/// the tolerance per step (measured 0.1–2·rtol from rtol 1e-6 to 1e-12).
@Suite("GSL's msadams and msbdf replayed on the tape take GSL's states at every step")
struct GSLMultistepReplayTests {
    struct Comparison {
        var worstRelativeError = 0.0
        var orders: [Int] = []
        var rejected = 0
        var increases: Int { zip(orders, orders.dropFirst()).filter { $0 < $1 }.count }
        var decreases: Int { zip(orders, orders.dropFirst()).filter { $0 > $1 }.count }
        /// Drops by two or more: GSL restarted its method (at order 1).
        var restarts: Int { zip(orders, orders.dropFirst()).filter { $0 - $1 >= 2 }.count }
    }

    /// Replays every accepted step of one adaptive GSL solve, as `GSLReplaySolver`
    /// does, and returns the largest `max|ours − GSL's| / max|GSL's|` over the steps.
    func compare<Field: VectorField>(_ stepType: GSLStepType, field: Field, x0: Tensor, from t0: Double = 0,
                                     to t1: Double, rtol: Double) throws -> Comparison {
        let solver = GSLNeuralODESolver(stepType: stepType, relativeTolerance: rtol, absoluteTolerance: rtol,
                                        initialStepSize: 1e-4, outputMode: .steppingOntoOutputTimes)
        let trajectory = try solver.solve(field, initialState: x0, from: t0, to: t1, saving: .times([t1]), events: [],
                                          keepingDenseOutput: true)
        let dense = try #require((trajectory.interpolant as? GSLHermiteInterpolant)?.denseOutput)
        var replay = stepType.makeStepReplay()
        let theta = field.parameters.values.map { Variable($0) }
        var y = Variable(x0)
        var comparison = Comparison(orders: dense.stepOrders, rejected: trajectory.statistics.rejectedSteps)
        var evaluations = 0
        for k in 1..<dense.times.count {
            let theirs = dense.state(atKnot: k)
            let step = GSLReplayedStep(start: dense.times[k - 1], stepSize: dense.times[k] - dense.times[k - 1],
                                       index: k - 1, endState: theirs, order: dense.stepOrders[k - 1])
            y = try replay.replay(step, from: y, field: field, parameters: theta, evaluations: &evaluations)
            let scale = max(theirs.map(abs).max() ?? 0, 1e-300)
            let error = zip(y.value.scalars, theirs).map { abs($0 - $1) }.max() ?? .infinity
            comparison.worstRelativeError = max(comparison.worstRelativeError, error / scale)
        }
        return comparison
    }

    @Test("with an exact corrector (f independent of x) the replay equals GSL to round-off, orders rising and falling",
          arguments: [(GSLStepType.msadams, "chirp", 1e-6), (.msadams, "kink", 1e-9), (.msadams, "jump", 1e-9),
                      (.msbdf, "kink", 1e-9), (.msbdf, "chirp", 1e-9), (.msbdf, "jump", 1e-9)])
    func roundOffWithExactCorrector(stepType: GSLStepType, problem: String, rtol: Double) throws {
        let c = try compare(stepType, field: MultistepReplayProblems.named(problem), x0: try Tensor([[0.5, -1], [2, 0.25]]),
                            to: 6, rtol: rtol)
        print("\(stepType) \(problem) rtol \(rtol): worst \(c.worstRelativeError), \(c.orders.count) steps, "
              + "\(c.rejected) rejected, orders \(c.orders.min() ?? 0)–\(c.orders.max() ?? 0), "
              + "\(c.increases) up, \(c.decreases) down, \(c.restarts) restarts")
        #expect(c.worstRelativeError <= 1e-13)
        #expect(c.rejected > 0)
        #expect(c.increases >= 3)
        #expect(c.orders.max() ?? 0 >= 4)
        switch (stepType, problem) {
        case (.msadams, "chirp"), (.msbdf, "kink"), (.msbdf, "jump"): #expect(c.decreases >= 1)
        case (.msadams, "jump"): #expect(c.restarts >= 1)
        default: break
        }
    }

    @Test("with an iterated corrector the replay differs from GSL by at most GSL's iteration error, ≤ 5·rtol down to 1e-12",
          arguments: [GSLStepType.msadams, .msbdf])
    func iterationErrorScalesWithTolerance(stepType: GSLStepType) throws {
        let vanDerPol = try MultistepReplayProblems.vanDerPol(mu: 1)
        let neural = GradientTestProblem.field
        for rtol in [1e-8, 1e-10, 1e-12] {
            let oscillator = try compare(stepType, field: vanDerPol, x0: try Tensor([[2, 0]]), to: 7, rtol: rtol)
            let network = try compare(stepType, field: neural, x0: GradientTestProblem.x0, to: 2, rtol: rtol)
            for (name, c) in [("Van der Pol", oscillator), ("neural", network)] {
                print("\(stepType) \(name) rtol \(rtol): worst \(c.worstRelativeError), \(c.orders.count) steps, "
                      + "\(c.rejected) rejected, orders \(c.orders.min() ?? 0)–\(c.orders.max() ?? 0)")
                #expect(c.worstRelativeError <= 5 * rtol, "\(stepType) \(name) at rtol \(rtol)")
                #expect(c.orders.max() ?? 0 >= 4)
            }
        }
    }

    @Test("backwards in time (negative steps) the replay equals GSL to round-off too", arguments: [GSLStepType.msadams, .msbdf])
    func backwardsInTime(stepType: GSLStepType) throws {
        let c = try compare(stepType, field: MultistepReplayProblems.kink, x0: try Tensor([[0.5, -1]]), from: 6, to: 0,
                            rtol: 1e-8)
        print("\(stepType) kink backwards: worst \(c.worstRelativeError), \(c.orders.count) steps, orders up to \(c.orders.max() ?? 0)")
        #expect(c.worstRelativeError <= 1e-13)
        #expect(c.orders.max() ?? 0 >= 3)
    }

    @Test("an order outside the method's range, or a jump by more than one to an order above 1, is a typed error",
          arguments: [(GSLStepType.msadams, 13), (.msbdf, 6), (.msadams, 0), (.msbdf, 3)])
    func badOrdersAreRefused(stepType: GSLStepType, badOrder: Int) throws {
        var replay = stepType.makeStepReplay()
        let field = MultistepReplayProblems.chirp
        var evaluations = 0
        let y = try replay.replay(GSLReplayedStep(start: 0, stepSize: 0.01, index: 0, endState: [0, 0], order: 1),
                                  from: Variable(try Tensor([[0.5, -1]])), field: field, parameters: [],
                                  evaluations: &evaluations)
        #expect(evaluations >= 2)
        #expect(throws: ContinuousDepthError.self) {
            _ = try replay.replay(GSLReplayedStep(start: 0.01, stepSize: 0.01, index: 1, endState: [0, 0], order: badOrder),
                                  from: y, field: field, parameters: [], evaluations: &evaluations)
        }
    }

    @Test("the bridge records one order per accepted step; fixed-order steppers report their order")
    func ordersAreRecorded() throws {
        let solver = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
        let trajectory = try solver.solve(MultistepReplayProblems.chirp, initialState: try Tensor([[0.5, -1]]), from: 0,
                                          to: 3, saving: .times([3]), events: [], keepingDenseOutput: true)
        let dense = try #require((trajectory.interpolant as? GSLHermiteInterpolant)?.denseOutput)
        #expect(dense.stepOrders.count == dense.times.count - 1)
        #expect(dense.stepOrders.allSatisfy { $0 == 5 })
    }
}
