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
}
