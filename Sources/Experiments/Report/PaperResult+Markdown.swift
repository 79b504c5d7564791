// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

extension Verdict {
    /// `✔` when reproduced, `✘` otherwise.
    public var mark: String { reproduced ? "✔" : "✘" }
    /// `✔ reproduced` or `✘ not reproduced`.
    public var label: String { reproduced ? "✔ reproduced" : "✘ not reproduced" }
}

extension PaperResult {
    /// The tables (Markdown) and the verdict line, as printed by `resode paper` and written
    /// between the README's measured markers.
    public var tablesAndVerdictMarkdown: String {
        (tables.map(\.markdown) + ["**Verdict: \(verdict.label).** \(verdict.summary)"]).joined(separator: "\n\n")
    }

    /// The "Last measured" block of `Papers/<id>/README.md`: date, profile, time, tables, verdict.
    public func measuredMarkdown(date: Date) -> String {
        let stamp = "_Measured \(ReportDate.string(from: date)) with `resode paper \(id) --\(profile.rawValue)` "
            + "(\(NumberFormat.significant(seconds, digits: 2)) s)._"
        return stamp + "\n\n" + tablesAndVerdictMarkdown
    }
}

/// The dates written into reports and READMEs: `yyyy-MM-dd HH:mm UTC`.
public enum ReportDate {
    /// `date` as `2025-01-31 14:05 UTC`.
    public static func string(from date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date) + " UTC"
    }
}

/// Markdown escaping for text placed in a table cell.
enum MarkdownText {
    /// `text` with `|` escaped and line breaks turned into spaces, so it stays in one cell.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
