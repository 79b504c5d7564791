// SPDX-License-Identifier: GPL-3.0-or-later
import ResODE
import Foundation

/// Small formatting helpers for the tables the W2/W3 checks print.
enum MarkdownTable {
    /// `| a | b |` rows under a header and a `---` line, written by the library's one
    /// Markdown table writer (`Experiments.ResultTable.markdown`, which escapes `|` in cells).
    static func lines(_ header: [String], _ rows: [[String]]) -> [String] {
        Experiments.ResultTable(caption: "", columns: header, rows: rows).markdown.components(separatedBy: "\n")
    }

    /// Milliseconds with 3 significant digits ("–" when not finite).
    static func milliseconds(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "–" }
        let ms = seconds * 1e3
        return String(format: ms < 10 ? "%.2f" : ms < 100 ? "%.1f" : "%.0f", ms)
    }

    /// A number in `%.1e` ("–" when nil or NaN).
    static func scientific(_ value: Double?) -> String {
        guard let value, !value.isNaN else { return "–" }
        return String(format: "%.1e", value)
    }

    /// A ratio with 2 decimals ("–" when either side is missing).
    static func ratio(_ a: Double?, _ b: Double?) -> String {
        guard let a, let b, a.isFinite, b.isFinite, b > 0 else { return "–" }
        return String(format: "%.2f", a / b)
    }

    static func integer(_ value: Int?) -> String { value.map(String.init) ?? "–" }
}
