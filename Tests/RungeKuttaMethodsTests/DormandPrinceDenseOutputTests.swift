// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import RungeKuttaMethods
import TensorCore

@Suite("Dormand–Prince dense output")
struct DormandPrinceDenseOutputTests {
    static let denseOutput = ButcherTableau.dormandPrince54.continuousExtension!

    /// The weights as polynomials `Σ cₘ θᵐ` (m = 1…4), as printed in Hairer's `dopri5`
    /// expanded form (independent of the rcont1…rcont5 form the tableau file expands).
    static let polynomialCoefficients: [[Double]] = [
        [1, -8048581381.0 / 2820520608, 8663915743.0 / 2820520608, -12715105075.0 / 11282082432],
        [0, 0, 0, 0],
        [0, 131558114200.0 / 32700410799, -68118460800.0 / 10900136933, 87487479700.0 / 32700410799],
        [0, -1754552775.0 / 470086768, 14199869525.0 / 1410260304, -10690763975.0 / 1880347072],
        [0, 127303824393.0 / 49829197408, -318862633887.0 / 49829197408, 701980252875.0 / 199316789632],
        [0, -282668133.0 / 205662961, 2019193451.0 / 616988883, -1453857185.0 / 822651844],
        [0, 40617522.0 / 29380423, -110615467.0 / 29380423, 69997945.0 / 29380423],
    ]

    @Test("The stage weights b(θ) equal the expanded polynomial coefficients")
    func weightsMatchPolynomials() {
        for theta in [0.0, 0.1, 0.37, 0.5, 0.83, 1.0] {
            let weights = Self.denseOutput.weights(at: theta)
            for (i, c) in Self.polynomialCoefficients.enumerated() {
                let expected = ((c[3] * theta + c[2]) * theta + c[1]) * theta * theta + c[0] * theta
                #expect(abs(weights[i] - expected) <= 1e-14, "b\(i + 1)(\(theta)) = \(weights[i]), expected \(expected)")
            }
        }
    }

    @Test("b(0) = 0 and b(1) = b, the order-5 weights")
    func endpoints() {
        #expect(Self.denseOutput.weights(at: 0).allSatisfy { $0 == 0 })
        let atOne = Self.denseOutput.weights(at: 1)
        for (w, b) in zip(atOne, ButcherTableau.dormandPrince54.b) { #expect(abs(w - b) <= 1e-15) }
    }

    @Test("Dense output is exact for y' = 4t³ (a degree-4 solution, the interpolant's order)")
    func exactForQuarticSolution() throws {
        let field = { (y: Variable, t: Double) throws -> Variable in Variable(try Tensor(shape: y.shape, repeating: 4 * t * t * t)) }
        let (t, h) = (0.3, 0.5)
        let y0 = Variable(try Tensor([[t * t * t * t]]))
        let step = try RungeKuttaStep(.dormandPrince54, field: field, at: t, from: y0, by: h)
        for theta in [0.0, 0.2, 0.37, 0.5, 0.9, 1.0] {
            let s = t + theta * h
            let value = try RungeKuttaStep.combining(y0, stages: step.stages, weights: Self.denseOutput.weights(at: theta),
                                                     stepSize: h)
            #expect(abs(value.value[0, 0] - s * s * s * s) <= 1e-15, "θ = \(theta)")
        }
    }
}
