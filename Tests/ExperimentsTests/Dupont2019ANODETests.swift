// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Testing

@Suite("dupont2019-anode, quick profile")
struct Dupont2019ANODETests {
    @Test("on 2-d nested spheres the NODE ends with ≥ 2× the ANODE's loss and more NFE per batch; a ResNet with h = 1 separates the classes")
    func quickProfile() throws {
        let result = try runQuick(Dupont2019ANODE())
        #expect(result.verdict.reproduced, "\(result.verdict.summary)")
        #expect(try number("d2.lossRatio", in: result) >= Dupont2019ANODE.lossRatioThreshold)
        #expect(try number("d2.NODE.finalForwardNFE", in: result) > number("d2.ANODE.finalForwardNFE", in: result))
        #expect(try number("d2.NODE.testAccuracy", in: result) <= number("d2.ANODE.testAccuracy", in: result))
        #expect(try number("d2.ResNet.testAccuracy", in: result) >= Dupont2019ANODE.resnetAccuracyThreshold)
        #expect(try number("d2.ANODE.testAccuracy", in: result) >= 0.99)
        // NODE: field 2 → 32 → 2 (162) + readout 2 → 1 (3); ResNet: two such fields + readout; ANODE: field 5 → 32 → 5 + readout 5 → 1.
        #expect(result.tables[0].rows.map { $0[3] } == ["165", "327", "363"])
    }
}
