// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
import DepthAnalysis

/// The iterative eigensolvers check every operator product: its size, then its finiteness.
@Suite("Eigensolvers on a bad operator")
struct EigensolverOperatorErrorTests {
    @Test("a product of the wrong size is a shape mismatch naming [n]; a non-finite one is non-finite (Lanczos and power iteration)")
    func badProducts() throws {
        let tooLong: (Tensor) throws -> Tensor = { v in Tensor(v.scalars + [0]) }
        let infinite: (Tensor) throws -> Tensor = { v in v * .infinity }
        let sizeError = AnalysisError.shapeMismatch(what: "an operator product", expected: [5], got: [6])
        let finiteError = AnalysisError.nonFinite(what: "an operator product")
        #expect(throws: sizeError) { try LanczosEigenvalues(dimension: 5, iterations: 3, seed: 1, applying: tooLong) }
        #expect(throws: finiteError) { try LanczosEigenvalues(dimension: 5, iterations: 3, seed: 1, applying: infinite) }
        #expect(throws: sizeError) {
            try PowerIterationEigenvalues(dimension: 5, count: 1, tolerance: 1e-8, maximumIterations: 5, seed: 1, applying: tooLong)
        }
        #expect(throws: finiteError) {
            try PowerIterationEigenvalues(dimension: 5, count: 1, tolerance: 1e-8, maximumIterations: 5, seed: 1, applying: infinite)
        }
    }

    @Test("a product shaped [n, 1] is accepted as the vector it holds: Lanczos on diag(1…5) finds 1 and 5")
    func columnShapedProduct() throws {
        let diagonal = Tensor([1, 2, 3, 4, 5])
        let column: (Tensor) throws -> Tensor = { v in try (try v * diagonal).reshaped(to: [5, 1]) }
        let result = try LanczosEigenvalues(dimension: 5, iterations: 5, seed: 2, applying: column)
        #expect(abs(result.smallest(1)[0] - 1) < 1e-12 && abs(result.largest(1)[0] - 5) < 1e-12, "\(result.ritzValues)")
    }
}
