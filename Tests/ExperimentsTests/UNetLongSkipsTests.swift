// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Testing

@Suite("unet-long-skips, quick profile")
struct UNetLongSkipsTests {
    @Test("shortest path 2 with long skips and 2n without; gradient O(1) with skips, below 1e-3 of its start without")
    func quickProfile() throws {
        let result = try runQuick(UNetLongSkips())
        #expect(result.verdict.reproduced, "\(result.verdict.summary)")
        #expect(try number("pathsAsPredicted", in: result) == 1)
        #expect(try number("gradientSpreadWithSkips", in: result) < 10)
        #expect(try number("gradientDecayWithoutSkips", in: result) < 1e-3)
        #expect(result.tables[0].rows.map { $0[2] } == ["2", "2", "2", "2", "2"])
        #expect(result.tables[0].rows.map { $0[3] } == ["2", "4", "8", "16", "24"])
    }
}
