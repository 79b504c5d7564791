// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import TensorCore

/// Values of the elementwise functions at points where the answer is known
/// exactly or where the naive formula loses precision, and their IEEE 754
/// behaviour outside the domain. Derivatives are checked with every other
/// operation in `GradientTests` and `ForwardModeTests` (`operationCases`).
@Suite("Elementwise functions: values, accuracy and domain")
struct ElementwiseFunctionTests {
    @Test("sin, cos and tan take their exact values at 0, π/6, π/4 and π/2 (to 1 ulp-scale rounding)")
    func trigonometricValues() throws {
        let x = Tensor([0, Double.pi / 6, Double.pi / 4, Double.pi / 2])
        #expect(x.sin().isApproximatelyEqual(to: Tensor([0, 0.5, 0.5.squareRoot(), 1]), relativeTolerance: 1e-15,
                                             absoluteTolerance: 1e-16))
        #expect(x.cos().isApproximatelyEqual(to: Tensor([1, 0.75.squareRoot(), 0.5.squareRoot(), 0]),
                                             relativeTolerance: 1e-15, absoluteTolerance: 1e-16))
        let t = Tensor([0, Double.pi / 4, -Double.pi / 4]).tan()
        #expect(t.isApproximatelyEqual(to: Tensor([0, 1, -1]), relativeTolerance: 1e-15))
        // sin² + cos² = 1 at arbitrary points.
        let y = Tensor([-3.7, 0.2, 11.5, 1e3])
        let one = try y.sin().square() + y.cos().square()
        #expect(one.isApproximatelyEqual(to: Tensor([1, 1, 1, 1]), relativeTolerance: 1e-15))
    }

    @Test("log1p and expm1 keep full precision at |x| = 1e-10, where log(1 + x) and exp(x) − 1 lose 7 digits")
    func smallArgumentAccuracy() throws {
        let x = Tensor([1e-10, -1e-10])
        // Taylor: log1p(x) = x − x²/2 + …, expm1(x) = x + x²/2 + …; x³ is below Double's resolution here.
        let log1pExact = Tensor([1e-10 - 0.5e-20, -1e-10 - 0.5e-20])
        let expm1Exact = Tensor([1e-10 + 0.5e-20, -1e-10 + 0.5e-20])
        #expect(try x.log1p().relativeDifference(to: log1pExact) <= 1e-15)
        #expect(try x.expm1().relativeDifference(to: expm1Exact) <= 1e-15)
        // The naive formulas are wrong in the 8th digit: the check above can tell them apart.
        #expect(try (x + 1).log().relativeDifference(to: log1pExact) > 1e-9)
        #expect(try (x.exp() - 1).relativeDifference(to: expm1Exact) > 1e-9)
        #expect(Tensor([1, -0.5]).log1p() == Tensor([Foundation.log(2), Foundation.log(0.5)]))
    }

    @Test("outside the domain the values are IEEE 754's: log(0) = −∞, log(−1) = NaN, √−1 = NaN, log1p(−1) = −∞")
    func logarithmAndRootDomain() {
        let l = Tensor([0, -1]).log()
        #expect(l.scalars[0] == -.infinity && l.scalars[1].isNaN)
        #expect(Tensor([-1]).sqrt().scalars[0].isNaN)
        let p = Tensor([-1, -2]).log1p()
        #expect(p.scalars[0] == -.infinity && p.scalars[1].isNaN)
        #expect(!Tensor([0, -1]).log().isFinite)
    }

    @Test("pow: a negative base is allowed for an integer exponent only; 0ᵉ = 0 for e > 0")
    func powerDomain() throws {
        #expect(Tensor([-2, -0.5]).pow(3) == Tensor([-8, -0.125]))
        #expect(Tensor([-8]).pow(1.0 / 3).scalars[0].isNaN)
        let bases = Tensor([-2, -8, 0, 4])
        let exponents = Tensor([2, 1.0 / 3, 0.5, -0.5])
        let y = try bases.pow(exponents)
        #expect(y.scalars[0] == 4 && y.scalars[1].isNaN && y.scalars[2] == 0 && y.scalars[3] == 0.5)
        // Broadcasting as the arithmetic operators: a row of exponents over a matrix of bases.
        let m = try Tensor([[1, 2], [3, 4]]).pow(Tensor([2, 0.5]))
        #expect(m == (try Tensor([[1, 2.0.squareRoot()], [9, 2]])))
        #expect(throws: TensorError.self) { _ = try Tensor([1, 2, 3]).pow(Tensor([1, 2])) }
    }

    @Test("pow with a tensor exponent: ∂/∂e xᵉ = xᵉ·log x is exact for 2ˣ, and NaN at x < 0 where log is")
    func exponentDerivative() throws {
        let e = Tensor([0.5, -1, 3])
        let (_, grads) = try valueWithGradient(at: [Tensor([2, 2, 2]), e]) { v in try v[0].pow(v[1]).sum() }
        let expected = e.map { Foundation.pow(2, $0) * Foundation.log(2) }
        #expect(grads[1].isApproximatelyEqual(to: expected, relativeTolerance: 1e-15))
        #expect(grads[0].isApproximatelyEqual(to: e.map { $0 * Foundation.pow(2, $0 - 1) }, relativeTolerance: 1e-15))
        let (_, atNegativeBase) = try valueWithGradient(at: [Tensor([-2]), Tensor([2])]) { v in try v[0].pow(v[1]).sum() }
        #expect(atNegativeBase[0] == Tensor([-4]))          // d/dx x² at −2: finite
        #expect(atNegativeBase[1].scalars[0].isNaN)         // d/de (−2)ᵉ: log(−2) is NaN
    }

    @Test("the derivatives are those of the table: sin' = cos, cos' = −sin, tan' = 1 + tan², log1p' = 1/(1+x), expm1' = eˣ")
    func derivativesAtKnownPoints() throws {
        let x = Tensor([0.3, -1.2, 2.0])
        func derivative(_ f: (Variable) throws -> Variable) throws -> Tensor {
            try valueWithGradient(at: x) { try f($0).sum() }.gradient
        }
        #expect(try derivative { try $0.sin() }.isApproximatelyEqual(to: x.cos(), relativeTolerance: 1e-15))
        #expect(try derivative { try $0.cos() }.isApproximatelyEqual(to: -x.sin(), relativeTolerance: 1e-15))
        #expect(try derivative { try $0.tan() }.isApproximatelyEqual(to: x.tan().square() + 1, relativeTolerance: 1e-15))
        #expect(try derivative { try $0.log1p() }.isApproximatelyEqual(to: 1 / (x + 1), relativeTolerance: 1e-15))
        #expect(try derivative { try $0.expm1() }.isApproximatelyEqual(to: x.exp(), relativeTolerance: 1e-14))
    }
}
