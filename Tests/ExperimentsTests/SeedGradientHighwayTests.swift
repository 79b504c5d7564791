// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Testing

@Suite("seed-gradient-highway, quick profile")
struct SeedGradientHighwayTests {
    @Test("at L = 50 the plain net's input gradient is below 1e-3 of the residual one's, which stays O(1); the split is exact")
    func quickProfile() throws {
        let result = try runQuick(SeedGradientHighway())
        #expect(result.verdict.reproduced, "\(result.verdict.summary)")
        #expect(try number("plainToResidualGradientRatio", in: result) < 1e-3)
        #expect(try number("residualAttenuationMinimum", in: result) > 0.5)
        #expect(try number("residualAttenuationMaximum", in: result) < 2)
        #expect(try number("splitRelativeError", in: result) <= 1e-12)
        #expect(result.tables[0].rows.map { $0[0] } == ["10", "50"])
    }
}
