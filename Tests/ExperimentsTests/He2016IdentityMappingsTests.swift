// SPDX-License-Identifier: GPL-3.0-or-later
@testable import Experiments
import ResidualNets
import Testing

@Suite("he2016-identity-mappings, quick profile")
struct He2016IdentityMappingsTests {
    @Test("post- and pre-activation ResNet-14 train on the digits images; the verdict is the measured loss ratio against 1.1")
    func quickProfile() throws {
        let result = try runQuick(He2016IdentityMappings())
        let ratio = try number("preToPostLossRatio", in: result)
        #expect(ratio.isFinite && ratio > 0)
        #expect(result.verdict.reproduced == (ratio <= He2016IdentityMappings.lossRatioThreshold), "\(result.verdict.summary)")
        #expect(result.tables[0].rows.map { $0[0] } == ["post-activation, projection", "pre-activation, projection"])
        // Both units learn: two epochs bring the training loss below chance level, ln 10 ≈ 2.303.
        #expect(try number("variant0.trainingLoss", in: result) < 2.3)
        #expect(try number("variant1.trainingLoss", in: result) < 2.3)
        #expect(result.figures[0].rows.count == He2016IdentityMappings().settings(for: .quick).epochs)
    }

    @Test("the verdict compares pre- with post-activation at the same shortcut")
    func verdict() {
        func outcome(_ pre: Bool, _ loss: Double) -> He2016IdentityMappings.Outcome {
            He2016IdentityMappings.Outcome(variant: .init(name: pre ? "pre" : "post", preactivation: pre, shortcut: .projection),
                                           trainingLosses: [loss], trainingErrors: [0], testErrors: [0], lossCurve: [loss],
                                           parameterCount: 1)
        }
        #expect(He2016IdentityMappings.isReproduced([outcome(false, 0.5), outcome(true, 0.4)]))
        #expect(!He2016IdentityMappings.isReproduced([outcome(false, 0.4), outcome(true, 0.5)]))
        #expect(!He2016IdentityMappings.isReproduced([outcome(true, 0.4)]))
    }

    @Test("a depth that is not 6n + 2 is refused with a typed error")
    func badDepth() {
        let paper = He2016IdentityMappings()
        var settings = paper.settings(for: .quick)
        settings.depth = 10
        #expect(throws: ExperimentError.self) { try paper.measure(settings) { _ in } }
    }
}
