// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Foundation
import Testing

@Suite("Number formatting and the log–log fit")
struct SupportTests {
    @Test("three significant digits, scientific outside [1e-3, 1e4)")
    func formatting() {
        #expect(NumberFormat.significant(3.14159) == "3.14")
        #expect(NumberFormat.significant(0.0123456) == "0.0123")
        #expect(NumberFormat.significant(123.456) == "123")
        #expect(NumberFormat.significant(1.234e-9) == "1.23e-09")
        #expect(NumberFormat.significant(-42_000) == "-4.20e+04")
        #expect(NumberFormat.significant(0) == "0" && NumberFormat.significant(.nan) == "NaN" && NumberFormat.significant(-.infinity) == "-inf")
        #expect(NumberFormat.fixed(1.975, decimals: 1) == "2.0")
    }

    @Test("the fit recovers e = 3·h² exactly, and rejects non-positive values and too few points")
    func logLogFit() throws {
        let h = [0.1, 0.05, 0.025, 0.0125]
        let fit = try LogLogFit(x: h, y: h.map { 3 * $0 * $0 })
        #expect(abs(fit.slope - 2) <= 1e-12 && abs(exp(fit.intercept) - 3) <= 1e-12)
        #expect(throws: ExperimentError.self) { try LogLogFit(x: [0.1, 0.2], y: [1, 0]) }
        #expect(throws: ExperimentError.self) { try LogLogFit(x: [0.1], y: [1]) }
        #expect(throws: ExperimentError.self) { try LogLogFit(x: [0.1, 0.1], y: [1, 2]) }
    }
}
