// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Testing

@Suite("seed-eigen-anchor, quick profile")
struct SeedEigenAnchorTests {
    @Test("λ^L and (1 + hλ)^L match the measured spectra; at L = 50 plain σ < 1e-3, residual σ ≈ 1; the bounds hold")
    func quickProfile() throws {
        let result = try runQuick(SeedEigenAnchor())
        #expect(result.verdict.reproduced, "\(result.verdict.summary)")
        #expect(try number("linearRelativeError", in: result) <= 1e-10)
        #expect(try number("plainLargestSingularValue", in: result) < 1e-3)
        #expect(try number("residualSmallestSingularValue", in: result) > 0.5)
        #expect(try number("residualLargestSingularValue", in: result) < 2)
        #expect(try number("boundsHold", in: result) == 1)
        // (1 + α)^50 explodes at h = 1; (1 + α/L)^L ≤ e^α stays small.
        #expect(try number("unitStepUniformBound", in: result) > 1e6)
        #expect(try number("shortStepUniformBound", in: result) < 5)
        // The closed-form anchor: 0.1^50 = 1e-50 (plain) against 0.9^50 = 5.15e-3 (residual, h = 1).
        let linear = result.tables[0].rows
        #expect(linear.contains { $0[0] == "plain A·x" && $0[1] == "0.100" && $0[2] == "1.00e-50" })
        #expect(linear.contains { $0[0] == "residual x + A·x (h = 1)" && $0[1] == "-0.1000" && $0[2] == "0.00515" })
    }
}
