// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// How numbers are printed in tables and verdicts: a fixed number of significant digits,
/// scientific notation outside `[1e-3, 1e4)`.
public enum NumberFormat {
    /// `x` with `digits` significant digits: `0.0123`, `3.14`, `1.2e-09`, `NaN`, `inf`.
    public static func significant(_ x: Double, digits: Int = 3) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "inf" : "-inf") }
        if x == 0 { return "0" }
        let magnitude = Swift.abs(x)
        if magnitude >= 1e-3 && magnitude < 1e4 {
            let decimals = Swift.max(0, digits - 1 - Int(Foundation.floor(Foundation.log10(magnitude))))
            return String(format: "%.\(decimals)f", x)
        }
        return scientific(x, digits: digits)
    }

    /// `x` in scientific notation with `digits` significant digits, e.g. `3.14e-09`.
    public static func scientific(_ x: Double, digits: Int = 3) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "inf" : "-inf") }
        return String(format: "%.\(Swift.max(digits - 1, 0))e", x)
    }

    /// `x` with exactly `decimals` digits after the point, e.g. `1.98`.
    public static func fixed(_ x: Double, decimals: Int = 2) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "inf" : "-inf") }
        return String(format: "%.\(Swift.max(decimals, 0))f", x)
    }
}
