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
