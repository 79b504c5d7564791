// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

extension Figure {
    /// What keeps the figure from being printable as it stands, one sentence each; empty when none.
    ///
    /// Checked on the gnuplot body together with the common preamble of ``gnuplotScript(stem:)``
    /// (which formats x, y and y2 tick labels with `%g`):
    /// - a non-empty title, shown also on a multiplot (`set multiplot … title TITLE`);
    /// - a non-empty `set xlabel` and `set ylabel` (every axis says what it measures);
    /// - every axis named by `set logscale` has a tick format that prints small and large values
    ///   readably (`%g`, `%e`, `%h` or `10^%T`, never a fixed-point `%f` that turns 1e-6 into
    ///   `0.0000010`); x2 and cb log axes need their own format, as the preamble does not set one.
    public var presentationProblems: [String] {
        var problems: [String] = []
        if title.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("the figure has no title") }
        let commands = gnuplot.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        for axis in ["xlabel", "ylabel"] where !commands.contains(where: { Figure.setsNonEmptyLabel($0, axis) }) {
            problems.append("no non-empty `set \(axis)`")
        }
        if commands.contains(where: { $0.hasPrefix("set multiplot") }) && !commands.contains(where: { $0.hasPrefix("set multiplot") && $0.contains("title") }) {
            problems.append("a multiplot without `title TITLE` hides the figure's title")
        }
        var formats = ["x": "%g", "y": "%g", "y2": "%g"]
        var logAxes: [String] = []
        for command in commands {
            let words = command.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard words.count >= 2, words[0] == "set" else { continue }
            if words[1].hasPrefix("log") {
                logAxes += Figure.axes(in: words.count > 2 && !words[2].first!.isNumber ? words[2] : "xy")
            } else if words[1] == "format" {
                let hasAxis = words.count > 2 && !words[2].hasPrefix("'") && !words[2].hasPrefix("\"")
                let format = words.dropFirst(hasAxis ? 3 : 2).joined(separator: " ")
                for axis in hasAxis ? Figure.axes(in: words[2]) : ["x", "y", "x2", "y2", "cb"] { formats[axis] = format }
            }
        }
        for axis in Set(logAxes).sorted() {
            guard let format = formats[axis] else {
                problems.append("log axis \(axis) has no tick format (set format \(axis) '%g')")
                continue
            }
            if !Figure.isReadableLogFormat(format) {
                problems.append("log axis \(axis) has the tick format \(format), which prints small values unreadably")
            }
        }
        return problems
    }

    /// Whether `command` is `set <axis> '<non-empty text>' …`.
    static func setsNonEmptyLabel(_ command: String, _ axis: String) -> Bool {
        guard command.hasPrefix("set \(axis) ") else { return false }
        let rest = command.dropFirst("set \(axis) ".count).trimmingCharacters(in: .whitespaces)
        guard let quote = rest.first, quote == "'" || quote == "\"" else { return false }
        return rest.dropFirst().first.map { $0 != quote } ?? false
    }

    /// The axis names in a gnuplot axis list such as `xy`, `y2`, `x2y2` or `cb`.
    static func axes(in list: String) -> [String] {
        var result: [String] = [], characters = Array(list)
        while let first = characters.first {
            if first == "c", characters.count >= 2, characters[1] == "b" {
                result.append("cb"); characters.removeFirst(2)
            } else if characters.count >= 2, characters[1] == "2" {
                result.append("\(first)2"); characters.removeFirst(2)
            } else {
                result.append(String(first)); characters.removeFirst()
            }
        }
        return result
    }

    /// Whether a gnuplot tick format prints 1e-6 and 1e6 readably: a `%g`, `%e` or `%h`
    /// conversion, or a mantissa-free power of ten (`10^%T`, `1e%T`, `%L`).
    static func isReadableLogFormat(_ format: String) -> Bool {
        let characters = Array(format)
        for (i, character) in characters.enumerated() where character == "%" {
            var j = i + 1
            while j < characters.count, "-+ #0123456789.".contains(characters[j]) { j += 1 }
            if j < characters.count, "gGeEhHTL".contains(characters[j]) { return true }
        }
        return false
    }
}
