// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Testing

@Suite("haber2017-stability, quick profile")
struct Haber2017StabilityTests {
    @Test("antisymmetric K: Re hλ ≤ 0, |1 + hλ| ≤ 1 at x = 0, no growth; symmetric K: growth > 100")
    func quickProfile() throws {
        let result = try runQuick(Haber2017Stability())
        #expect(result.verdict.reproduced, "\(result.verdict.summary)")
        #expect(try number("antisymmetricMaxRealPart", in: result) <= 0)
        #expect(try number("eulerConditionLeft", in: result) <= number("eulerConditionRight", in: result))
        #expect(try number("antisymmetricLinearAmplification", in: result) <= 1 + 1e-12)
        #expect(try number("antisymmetricLinearGrowth", in: result) <= 1 + 1e-9)
        #expect(try number("antisymmetricNonlinearGrowth", in: result) < 3)
        #expect(try number("symmetricLinearGrowth", in: result) > 100)
    }
}
