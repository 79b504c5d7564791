// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import TensorCore
@testable import DepthAnalysis

@Suite("Spectra of the end-to-end Jacobian: (1 + hλ)^L for residual blocks, λ^L for plain ones")
struct LinearBlockSpectrumTests {
    static let lambdas = [-1.5, -0.4, 0.3, 0.9]

    static func diagonal(_ values: [Double]) throws -> Tensor {
        var a = try Tensor.zeros([values.count, values.count])
        for (i, v) in values.enumerated() { a[i, i] = v }
        return a
    }

    @Test("x ↦ x + hAx, A diagonal: singular values are |1 + hλ_i|^L to 1e-12")
    func residualDiagonal() throws {
        let h = 0.1, depth = 20
        let result = try LinearBlockSpectrum(matrix: Self.diagonal(Self.lambdas), stepSize: h, depth: depth, hasSkip: true,
                                             at: Fixtures.normal([4], seed: 1))
        let expected = Self.lambdas.map { pow(abs(1 + h * $0), Double(depth)) }.sorted(by: >)
        #expect(result.measured.singularValues.count == expected.count)
        #expect(result.predictedEigenvalues.count == Self.lambdas.count && result.blockEigenvalues.count == Self.lambdas.count)
        for (s, e) in zip(result.measured.singularValues, expected) { #expect(abs(s - e) <= 1e-12 * e) }
        #expect(result.maximumRelativeError <= 1e-12)
        for (p, lambda) in zip(result.predictedEigenvalues, result.blockEigenvalues) {
            #expect(abs(p.real - pow(1 + h * lambda.real, Double(depth))) <= 1e-13 && p.imaginary == 0)
        }
    }

    @Test("x ↦ Ax, A diagonal: singular values are |λ_i|^L and eigenvalues λ_i^L")
    func plainDiagonal() throws {
        let depth = 7
        let result = try LinearBlockSpectrum(matrix: Self.diagonal(Self.lambdas), stepSize: 0.1, depth: depth, hasSkip: false)
        let expected = Self.lambdas.map { pow(abs($0), Double(depth)) }.sorted(by: >)
        // zip stops at the shorter list: the counts make an empty result fail.
        #expect(result.measured.singularValues.count == expected.count)
        for (s, e) in zip(result.measured.singularValues, expected) { #expect(abs(s - e) <= 1e-12 * e) }
        let eigenvalues = result.measured.eigenvalues.map(\.real).sorted()
        #expect(eigenvalues.count == Self.lambdas.count)
        #expect(zip(eigenvalues, Self.lambdas.map { pow($0, Double(depth)) }.sorted()).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
        #expect(result.maximumRelativeError <= 1e-12)
    }

    @Test("a rotation generator A = [[0, −ω], [ω, 0]]: measured eigenvalues (1 ± ihω)^L match the prediction")
    func complexEigenvalues() throws {
        let omega = 2.0, h = 0.05, depth = 40
        let result = try LinearBlockSpectrum(matrix: Tensor([[0, -omega], [omega, 0]]), stepSize: h, depth: depth, hasSkip: true)
        #expect(result.maximumRelativeError <= 1e-12)
        // |1 + ihω|^L = (1 + h²ω²)^{L/2} for both eigenvalues and singular values (A is normal).
        let modulus = pow(1 + h * h * omega * omega, Double(depth) / 2)
        for s in result.measured.singularValues { #expect(abs(s - modulus) <= 1e-12 * modulus) }
    }

    @Test("the spectrum of a batch of samples, or of a non-square matrix, is refused by shape")
    func badShapes() throws {
        let chain = try BlockChain.linear(Self.diagonal([1, 2]), depth: 2, stepSize: 0.1, hasSkips: true)
        #expect(throws: AnalysisError.shapeMismatch(what: "one input sample", expected: [1, 2], got: [3, 2])) {
            try JacobianSpectrum(of: chain, at: Tensor.zeros([3, 2]))
        }
        #expect(throws: AnalysisError.self) { try LinearBlockSpectrum(matrix: Tensor.zeros([2, 3]), stepSize: 0.1, depth: 2, hasSkip: true) }
    }
}

@Suite("The Grönwall-type bound ‖∂x_L/∂x_0‖₂ ≤ ∏(1 + h‖∂F_l/∂x‖₂) ≤ (1 + hα)^L")
struct JacobianNormBoundTests {
    @Test("on a tanh ResNet the measured norm is below the product bound, which is below the uniform bound")
    func boundHolds() throws {
        let network = try Fixtures.residualNetwork(dimension: 4, hidden: 8, depth: 10, seed: 3)
        let bound = try JacobianNormBound(of: BlockChain(network), at: Fixtures.normal([4], seed: 4))
        #expect(bound.fieldJacobianNorms.count == 10)
        #expect(bound.measuredNorm > 0)
        #expect(bound.measuredNorm <= bound.productBound)
        #expect(bound.productBound <= bound.uniformBound)
        #expect(abs(bound.uniformBound - pow(1 + 0.1 * bound.maximumFieldJacobianNorm, 10)) <= 1e-12 * bound.uniformBound)
    }

    @Test("for diagonal A ⪰ 0 the bound is attained: ‖(I + hA)^L‖₂ = (1 + hλ_max)^L")
    func boundIsSharp() throws {
        let a = try LinearBlockSpectrumTests.diagonal([0.2, 1.5, 0.7])
        let bound = try JacobianNormBound(of: BlockChain.linear(a, depth: 8, stepSize: 0.25, hasSkips: true), at: Tensor([1, 2, 3]))
        let exact = pow(1 + 0.25 * 1.5, 8)
        #expect(abs(bound.measuredNorm - exact) <= 1e-12 * exact)
        #expect(abs(bound.productBound - exact) <= 1e-12 * exact)
        #expect(abs(bound.uniformBound - exact) <= 1e-12 * exact)
    }
}
