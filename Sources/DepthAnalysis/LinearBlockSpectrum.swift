// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore
import GSLBridge

/// The spectrum of `L` identical linear blocks, predicted in closed form and measured.
///
/// With `A·v = λ·v`:
///
///     residual  x ↦ x + h·A·x:   ∂x_L/∂x_0 = (I + hA)^L,  eigenvalues (1 + hλ)^L
///     plain     x ↦ A·x:         ∂x_L/∂x_0 = A^L,         eigenvalues λ^L
///
/// With `h = T/L`, `(1 + hλ)^L → e^{λT}` as `L → ∞` (the ODE's flow), whereas `λ^L`
/// goes to 0 or ∞ geometrically unless `|λ| = 1`. For a normal `A` (e.g. diagonal or
/// symmetric) the singular values are the moduli of the eigenvalues.
///
/// Reference: Papers/euler-convergence; Hairer, Nørsett & Wanner, *Solving ODEs I*, §IV.2.
public struct LinearBlockSpectrum: Sendable, Equatable {
    /// `λ_i`, the eigenvalues of `A`.
    public let blockEigenvalues: [GSLComplexNumber]
    /// `(1 + hλ_i)^L` (residual) or `λ_i^L` (plain), in the order of `blockEigenvalues`.
    public let predictedEigenvalues: [GSLComplexNumber]
    /// The eigenvalues of the measured `∂x_L/∂x_0`, each matched to the nearest unmatched prediction.
    public let measuredEigenvalues: [GSLComplexNumber]
    /// The measured spectrum (singular values and the Jacobian itself).
    public let measured: JacobianSpectrum
    /// `max_i |μ_i − predicted_i| / max(1, |predicted_i|)`.
    public let maximumRelativeError: Double

    /// Predicts and measures the spectrum of `depth` blocks `x + h·A·x` (`hasSkip`) or `A·x`.
    ///
    /// The measurement differentiates the chain (JVPs) at the point `sample`, which for a
    /// linear chain does not matter; it defaults to zeros.
    /// - Throws: `AnalysisError` for a non-square `A` or `depth < 1`; GSL errors.
    public init(matrix a: Tensor, stepSize h: Double, depth: Int, hasSkip: Bool, at sample: Tensor? = nil) throws {
        guard a.rank == 2, a.shape[0] == a.shape[1], a.shape[0] >= 1 else {
            throw AnalysisError.shapeMismatch(what: "the block matrix A", expected: [a.shape.first ?? 1, a.shape.first ?? 1], got: a.shape)
        }
        let d = a.shape[0]
        let chain = try BlockChain.linear(a, depth: depth, stepSize: h, hasSkips: hasSkip)
        let lambdas = try GSLLinearAlgebra.eigenvalues(of: a.scalars, rows: d, columns: d)
        let predicted = lambdas.map { lambda in
            LinearBlockSpectrum.power(hasSkip ? GSLComplexNumber(real: 1 + h * lambda.real, imaginary: h * lambda.imaginary) : lambda,
                                      depth)
        }
        let spectrum = try JacobianSpectrum(of: chain, at: sample ?? Tensor.zeros([1, d]))
        var unmatched = spectrum.eigenvalues
        var matched: [GSLComplexNumber] = []
        var worst = 0.0
        for p in predicted {
            var best = 0
            for (k, m) in unmatched.enumerated()
            where LinearBlockSpectrum.distance(m, p) < LinearBlockSpectrum.distance(unmatched[best], p) { best = k }
            let m = unmatched.remove(at: best)
            matched.append(m)
            worst = Swift.max(worst, LinearBlockSpectrum.distance(m, p) / Swift.max(1, p.magnitude))
        }
        self.blockEigenvalues = lambdas
        self.predictedEigenvalues = predicted
        self.measuredEigenvalues = matched
        self.measured = spectrum
        self.maximumRelativeError = worst
    }

    /// `z^n` by repeated squaring.
    static func power(_ z: GSLComplexNumber, _ n: Int) -> GSLComplexNumber {
        var result = GSLComplexNumber(real: 1, imaginary: 0)
        var base = z
        var k = n
        while k > 0 {
            if k & 1 == 1 { result = multiply(result, base) }
            base = multiply(base, base)
            k >>= 1
        }
        return result
    }

    static func multiply(_ a: GSLComplexNumber, _ b: GSLComplexNumber) -> GSLComplexNumber {
        GSLComplexNumber(real: a.real * b.real - a.imaginary * b.imaginary, imaginary: a.real * b.imaginary + a.imaginary * b.real)
    }

    static func distance(_ a: GSLComplexNumber, _ b: GSLComplexNumber) -> Double {
        GSLComplexNumber(real: a.real - b.real, imaginary: a.imaginary - b.imaginary).magnitude
    }
}
