// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif
import ContinuousDepth
import Testing
import TensorCore

@Suite("Error norm, PI controller and starting step")
struct StepSizeControlTests {
    @Test("The error norm is the RMS of eᵢ / (atol + rtol·max(|y0ᵢ|, |y1ᵢ|))")
    func rootMeanSquareNorm() throws {
        let tolerance = try ErrorTolerance(relative: 1e-6, absolute: 1e-6)
        let e = Tensor([1e-6, -2e-6]), y0 = Tensor([1, -3]), y1 = Tensor([1.5, -2])
        // scales 2.5e-6 and 4e-6, ratios 0.4 and 0.5
        let norm = try tolerance.norm(of: e, from: y0, to: y1)
        #expect(abs(norm - (0.205).squareRoot()) <= 1e-15)
        #expect(try tolerance.norm(of: e, from: y0, to: Tensor([1.5, .infinity])).isNaN)
        #expect(try tolerance.norm(of: Tensor([.nan, 0]), from: y0, to: y1).isNaN)
        let exact = try ErrorTolerance(relative: 1e-6, absolute: 0)
        // atol = 0 and y = 0: a zero error counts as 0 (not 0/0); the other ratio is 0.1.
        let withZeroScale = try exact.norm(of: Tensor([0, 1e-7]), from: Tensor([0, 1]), to: Tensor([0, 1]))
        #expect(abs(withZeroScale - (0.005).squareRoot()) <= 1e-15)
        #expect(try exact.norm(of: Tensor([1e-30, 0]), from: Tensor([0, 1]), to: Tensor([0, 1])) == .infinity)
        #expect(throws: ContinuousDepthError.self) { _ = try tolerance.norm(of: e, from: Tensor([1]), to: y1) }
    }

    @Test("An accepted step grows by 0.9·err^(−0.14)·err_prev^(0.08), clamped to [0.2, 10]")
    func acceptedFactor() {
        let controller = ProportionalIntegralController.standard
        var history = StepSizeHistory()
        let first = controller.decide(errorNorm: 0.5, errorOrder: 5, history: &history)
        #expect(first.isAccepted)
        #expect(abs(first.factor - 0.9 * pow(0.5, -0.14)) <= 1e-15)
        let second = controller.decide(errorNorm: 0.01, errorOrder: 5, history: &history)
        #expect(abs(second.factor - 0.9 * pow(0.01, -0.14) * pow(0.5, 0.08)) <= 1e-15)
        #expect(controller.decide(errorNorm: 0, errorOrder: 5, history: &history).factor == 10)
        #expect(controller.decide(errorNorm: 1e-300, errorOrder: 5, history: &history).factor == 10)
        #expect(history.previousErrorNorm == 1e-4)
    }

    @Test("A step with err > 1 or NaN is rejected and shrinks; the next accepted step may not grow")
    func rejection() {
        let controller = ProportionalIntegralController.standard
        var history = StepSizeHistory()
        let rejected = controller.decide(errorNorm: 4, errorOrder: 5, history: &history)
        #expect(!rejected.isAccepted)
        #expect(abs(rejected.factor - 0.9 * pow(4, -0.14)) <= 1e-15)
        #expect(controller.decide(errorNorm: 1e6, errorOrder: 5, history: &history).factor == 0.2)
        let nan = controller.decide(errorNorm: .nan, errorOrder: 5, history: &history)
        #expect(!nan.isAccepted && nan.factor == 0.2)
        let afterRejection = controller.decide(errorNorm: 1e-3, errorOrder: 5, history: &history)
        #expect(afterRejection.isAccepted && afterRejection.factor == 1)
        #expect(controller.decide(errorNorm: 1e-3, errorOrder: 5, history: &history).factor > 1)
    }

    @Test("Hairer's starting step for y' = −y, y0 = 1 follows the formula by hand")
    func startingStep() throws {
        let tolerance = try ErrorTolerance(relative: 1e-6, absolute: 1e-6)
        let y0 = try Tensor([[1.0]])
        var evaluations = 0
        let h = try InitialStepSize.hairer(order: 5, tolerance: tolerance, at: 0, state: y0, derivative: -y0,
                                           direction: 1) { y, _ in
            evaluations += 1
            return -y
        }
        // scale s = 1e-6 + 1e-6 = 2e-6: d0 = d1 = 1/s, h0 = 0.01, d2 = ‖h0·y0‖/s/h0 = 1/s
        let s = 2e-6
        let h1 = pow(0.01 * s, 1.0 / 6)
        #expect(abs(h - min(100 * 0.01, h1)) <= 1e-14)
        #expect(evaluations == 1)
    }
}

@Suite("PID controller, max norm and per-component tolerances")
struct StepSizeControlExtensionTests {
    @Test("PID (H312PID) factor: 0.9·errₙ^(−β₁/k)·errₙ₋₁^(−β₂/k)·errₙ₋₂^(−β₃/k); rejections use err^(−1/k)")
    func pidFactor() throws {
        let controller = try ProportionalIntegralDerivativeController()
        var history = StepSizeHistory()
        let k = 5.0
        let first = controller.decide(errorNorm: 0.5, errorOrder: 5, history: &history)
        #expect(first.isAccepted && abs(first.factor - 0.9 * pow(0.5, -1.0 / 18 / k)) <= 1e-15)
        let second = controller.decide(errorNorm: 0.25, errorOrder: 5, history: &history)
        #expect(abs(second.factor - 0.9 * pow(0.25, -1.0 / 18 / k) * pow(0.5, -1.0 / 9 / k)) <= 1e-15)
        let third = controller.decide(errorNorm: 0.1, errorOrder: 5, history: &history)
        let expected = 0.9 * pow(0.1, -1.0 / 18 / k) * pow(0.25, -1.0 / 9 / k) * pow(0.5, -1.0 / 18 / k)
        #expect(abs(third.factor - expected) <= 1e-15)
        let rejected = controller.decide(errorNorm: 3, errorOrder: 5, history: &history)
        #expect(!rejected.isAccepted && abs(rejected.factor - 0.9 * pow(3, -1 / k)) <= 1e-15)
        #expect(controller.decide(errorNorm: 1e-3, errorOrder: 5, history: &history).factor <= 1)
        #expect(throws: ContinuousDepthError.self) { _ = try ProportionalIntegralDerivativeController(beta1: 0, beta2: 0, beta3: 0) }
    }

    @Test("PI with (0.7, 0.4) equals PID with (0.7, −0.4, 0) on any error sequence")
    func piIsPIDWithoutDerivative() throws {
        let pi = ProportionalIntegralController.standard
        let pid = try ProportionalIntegralDerivativeController(beta1: 0.7, beta2: -0.4, beta3: 0)
        var (a, b) = (StepSizeHistory(), StepSizeHistory())
        for err in [0.5, 0.01, 0.3, 0.9, 0.002, 0.7] {
            let (x, y) = (pi.decide(errorNorm: err, errorOrder: 5, history: &a), pid.decide(errorNorm: err, errorOrder: 5, history: &b))
            #expect(x.isAccepted == y.isAccepted && abs(x.factor - y.factor) <= 1e-14 * x.factor)
        }
    }

    @Test("The PID controller solves within tolerance and takes a different step sequence than PI")
    func pidSolves() throws {
        let field = try OwnSolverProblems.rotationDecay(decay: 0.2, frequency: 3)
        let x0 = try OwnSolverProblems.twoDimensionalStates()
        let exact = try OwnSolverProblems.rotationDecayExact(x0, at: 5, decay: 0.2, frequency: 3)
        let pid = try EmbeddedRungeKuttaSolver(.tsitouras54, options: SolverOptions(relativeTolerance: 1e-8, absoluteTolerance: 1e-10),
                                               controller: try ProportionalIntegralDerivativeController())
        let pi = try EmbeddedRungeKuttaSolver(.tsitouras54, relativeTolerance: 1e-8, absoluteTolerance: 1e-10)
        let a = try pid.solve(field, initialState: x0, from: 0, to: 5, saving: .everyStep)
        let b = try pi.solve(field, initialState: x0, from: 0, to: 5, saving: .everyStep)
        #expect(try OwnSolverProblems.maximumError(try #require(a.finalState), exact) <= 1e-6)
        #expect(a.times != b.times)
    }

    @Test("The max norm is maxᵢ |eᵢ|/sᵢ; per-component atol uses d or batch·d values and is checked against the shape")
    func maximumNormAndPerComponentTolerance() throws {
        let e = Tensor([1e-6, -2e-6]), y0 = Tensor([1, -3]), y1 = Tensor([1.5, -2])
        let maximum = try ErrorTolerance(relative: 1e-6, absolute: 1e-6, norm: .maximum)
        #expect(abs(try maximum.norm(of: e, from: y0, to: y1) - 0.5) <= 1e-15)  // ratios 0.4 and 0.5
        #expect(try maximum.norm(of: Tensor([.nan, 0]), from: y0, to: y1).isNaN)
        #expect(try maximum.norm(of: e, from: y0, to: Tensor([1.5, .infinity])).isNaN)
        // atol per component [batch = 2, d = 2]: d values repeat over rows.
        let perComponent = try ErrorTolerance(relative: 1e-6, absolutePerComponent: [1e-6, 0], norm: .maximum)
        let error = try Tensor([[1e-6, 1e-6], [0, 2e-6]]), state = try Tensor([[0, 1], [0, 2]])
        // scales: row 0 (1e-6, 1e-6), row 1 (1e-6, 2e-6): ratios 1, 1, 0, 1.
        #expect(abs(try perComponent.norm(of: error, from: state, to: state) - 1) <= 1e-15)
        #expect(throws: ContinuousDepthError.self) { try perComponent.check(stateShape: [2, 3]) }
        try perComponent.check(stateShape: [1, 2])
        // Through a solver: a tolerance of the wrong length fails before any evaluation.
        let options = try SolverOptions(tolerance: try ErrorTolerance(relative: 1e-6, absolutePerComponent: [1, 2]))
        let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, options: options)
        #expect(throws: ContinuousDepthError.self) {
            _ = try solver.solve(OwnSolverProblems.logistic, initialState: try OwnSolverProblems.logisticStates(), from: 0, to: 1)
        }
    }
}
