// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import TensorCore
@testable import DepthAnalysis

/// A 30-parameter model: `tanh(x·W₁ᵀ + b₁)·W₂ᵀ + b₂`, W₁ [4, 4], b₁ [4], W₂ [2, 4], b₂ [2], mean squared error.
enum ThirtyParameterModel {
    static let parameters: [Tensor] = {
        var g = SeededGenerator(seed: 21)
        return try! [[4, 4], [4], [2, 4], [2]].map { try Tensor.randomNormal($0, standardDeviation: 0.8, using: &g) }
    }()
    static let inputs = try! Fixtures.normal([12, 4], seed: 22)
    static let targets = try! Fixtures.normal([12, 2], seed: 23)

    static func loss(_ p: [Variable]) throws -> Variable {
        let hidden = try Variable.linear(Variable(inputs), weight: p[0], bias: p[1]).tanh()
        return try (Variable.linear(hidden, weight: p[2], bias: p[3]) - Variable(targets)).square().mean()
    }
}

@Suite("Hessian eigenvalues: exact, Lanczos and power iteration")
struct HessianSpectrumTests {
    @Test("the Hessian of ½xᵀAx has A's eigenvalues 2 − √2, 2, 2 + √2")
    func quadratic() throws {
        let a = try Tensor([[2, 1, 0], [1, 2, 1], [0, 1, 2]])
        let spectrum = try HessianSpectrum(of: { p in try (p[0] * Variable.matmul(p[0].reshaped(to: [1, 3]), Variable(a))
                                                             .reshaped(to: [3])).sum().scaled(by: 0.5) },
                                           at: [Tensor([0.3, -1, 2])])
        let expected = [2 - 2.0.squareRoot(), 2, 2 + 2.0.squareRoot()]
        #expect(spectrum.eigenvalues.count == 3)
        for (e, x) in zip(spectrum.eigenvalues, expected) { #expect(abs(e - x) <= 1e-13) }
        #expect(spectrum.matrix == a.scalars)
    }

    @Test("L = (w₁w₂ − α)² at the origin: ∇L = 0, Hessian [[0, −2α], [−2α, 0]], eigenvalues ±2α (a saddle)")
    func toySaddle() throws {
        let alpha = 1.5
        let spectrum = try HessianSpectrum(of: { p in try (p[0] * p[1] - alpha).square().sum() }, at: [Tensor([0]), Tensor([0])])
        #expect(spectrum.gradientNorm == 0)
        #expect(spectrum.loss == alpha * alpha)
        #expect(spectrum.matrix == [0, -2 * alpha, -2 * alpha, 0])
        #expect(spectrum.eigenvalues.count == 2)
        #expect(zip(spectrum.eigenvalues, [-2 * alpha, 2 * alpha]).allSatisfy { abs($0 - $1) <= 1e-15 * 2 * alpha })
    }

    @Test("with the skip, L = (w₁w₂ − (α − 1))² at α = 1: the origin is a global minimum (L = 0, ∇L = 0, Hessian 0)")
    func toySkipMinimum() throws {
        let alpha = 1.0
        let spectrum = try HessianSpectrum(of: { p in try (p[0] * p[1] - (alpha - 1)).square().sum() }, at: [Tensor([0]), Tensor([0])])
        #expect(spectrum.loss == 0 && spectrum.gradientNorm == 0)
        #expect(spectrum.matrix == [0, 0, 0, 0])
        #expect(spectrum.eigenvalues == [0, 0])
    }

    @Test("Lanczos with full reorthogonalisation: 30 steps on 30 parameters give every eigenvalue; 18 steps the top 2")
    func lanczosMatchesExact() throws {
        let exact = try HessianSpectrum(of: ThirtyParameterModel.loss, at: ThirtyParameterModel.parameters)
        #expect(exact.dimension == 30)
        let scale = exact.eigenvalues.map(abs).max() ?? 1
        let op = try HessianOperator(of: ThirtyParameterModel.loss, at: ThirtyParameterModel.parameters)
        let full = try LanczosEigenvalues(of: op, iterations: 30, seed: 5)
        #expect(full.iterations == 30)
        for (r, e) in zip(full.ritzValues, exact.eigenvalues) { #expect(abs(r - e) <= 1e-10 * scale) }
        let partial = try LanczosEigenvalues(of: op, iterations: 18, seed: 6)
        for (r, e) in zip(partial.largest(2), exact.eigenvalues.reversed()) { #expect(abs(r - e) <= 1e-8 * scale) }
        #expect(partial.residualBounds.count == 18)
    }

    @Test("power iteration with deflation finds the 3 eigenvalues of largest magnitude")
    func powerIterationMatchesExact() throws {
        let exact = try HessianSpectrum(of: ThirtyParameterModel.loss, at: ThirtyParameterModel.parameters)
        let byMagnitude = exact.eigenvalues.sorted { abs($0) > abs($1) }
        let op = try HessianOperator(of: ThirtyParameterModel.loss, at: ThirtyParameterModel.parameters)
        let power = try PowerIterationEigenvalues(of: op, count: 3, tolerance: 1e-9, maximumIterations: 1000, seed: 7)
        #expect(power.converged == [true, true, true])
        for (p, e) in zip(power.eigenvalues, byMagnitude) { #expect(abs(p - e) <= 1e-8 * abs(byMagnitude[0])) }
    }

    @Test("bad eigensolver arguments are typed errors")
    func badArguments() throws {
        let op = try HessianOperator(of: ThirtyParameterModel.loss, at: ThirtyParameterModel.parameters)
        #expect(throws: AnalysisError.invalidArgument(name: "iterations", value: "0", reason: "must be ≥ 1")) {
            try LanczosEigenvalues(of: op, iterations: 0, seed: 1)
        }
        #expect(throws: AnalysisError.self) { try PowerIterationEigenvalues(of: op, count: 31, tolerance: 1e-8, maximumIterations: 10, seed: 1) }
        #expect(throws: AnalysisError.self) { try HessianOperator(of: ThirtyParameterModel.loss, at: []) }
    }
}
