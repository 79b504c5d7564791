// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing

@Suite("resode demo")
struct DemoCommandTests {
    @Test("the tour runs its four sections (solve, train, gradients, measure) and every claim it checks holds")
    func tourChecksItsClaims() throws {
        let r = try ResodeProcess.run(["demo"])
        #expect(r.status == 0, "\(r.standardError)")
        for heading in ["1. Solve:", "2. Train:", "3. Gradients", "4. Measure:"] {
            #expect(r.standardOutput.contains(heading), "missing section '\(heading)'")
        }
        #expect(r.standardOutput.contains("Every claim above held"))
        // The observed order printed in section 1 is the one the tour checked.
        let orderLine = try #require(r.standardOutput.split(separator: "\n").first { $0.contains("observed order") })
        let order = try #require(Double(orderLine.split(separator: " ")[2]))
        #expect(abs(order - 1) < 0.2)
    }
}
