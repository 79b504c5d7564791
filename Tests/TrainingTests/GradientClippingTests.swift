// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
@testable import Training

@Suite("Gradient clipping by global norm")
struct GradientClippingTests {
    @Test("gradients of global norm 13 clipped to 6.5 are halved exactly, and 13 is returned")
    func clipsExactly() throws {
        var gradients = [Tensor([3, 4]), Tensor([12])]
        let norm = try clipByGlobalNorm(&gradients, maxNorm: 6.5)
        #expect(norm == 13)
        #expect(gradients == [Tensor([1.5, 2]), Tensor([6])])
    }

    @Test("after clipping to c the global norm is c to rounding; short gradients are left unchanged")
    func clipsToMaxNorm() throws {
        var generator = SeededGenerator(seed: 5)
        var gradients = [try Tensor.randomNormal([3, 4], using: &generator), try Tensor.randomNormal([7], using: &generator)]
        let before = globalNorm(of: gradients)
        let returned = try clipByGlobalNorm(&gradients, maxNorm: 0.7)
        #expect(returned == before)
        #expect(abs(globalNorm(of: gradients) - 0.7) < 1e-15)
        let short = gradients
        #expect(try clipByGlobalNorm(&gradients, maxNorm: 10) <= 0.7 + 1e-15)
        #expect(gradients == short)
    }

    @Test("the global norm does not overflow for entries near 1e300 and propagates NaN; c ≤ 0 is an error")
    func edgeCases() throws {
        #expect(abs(globalNorm(of: [Tensor([3e300]), Tensor([4e300])]) / 5e300 - 1) < 1e-15)
        #expect(globalNorm(of: [Tensor([1, .nan])]).isNaN)
        var gradients = [Tensor([1])]
        #expect(throws: TrainingError.self) { try clipByGlobalNorm(&gradients, maxNorm: 0) }
    }
}
