// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

extension Figure {
    /// Tick commands that gnuplot's automatic ticks get wrong for this figure's data, computed
    /// from the data; ``gnuplotScript(stem:)`` puts them before the figure's own commands, which
    /// override them by setting the tics themselves.
    ///
    /// - An integer x column (epochs, depths) gets an integer step, `set xtics 1` for 2 epochs
    ///   rather than ticks at 1.2, 1.4, ….
    /// - A log y axis whose data spans less than a factor of 100 gets labelled ticks at 1–2–5
    ///   (or finer) multiples of powers of ten: gnuplot labels only whole decades on a log axis,
    ///   so such an axis would otherwise carry one or two numbers, or none at all.
    ///
    /// Both apply only when every `using` clause plots column 1 against other columns
    /// (`using 1:k`), the case where the data's columns are the plotted ones.
    var dataDrivenTicks: [String] {
        let commands = gnuplot.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let plotted = Figure.plottedColumns(in: gnuplot), !plotted.isEmpty else { return [] }
        let sets = { (prefix: String) in commands.contains { $0.hasPrefix(prefix) } }
        let logAxes = commands.compactMap { command -> [String]? in
            let words = command.split(separator: " ").map(String.init)
            guard words.count >= 2, words[0] == "set", words[1].hasPrefix("log") else { return nil }
            return Figure.axes(in: words.count > 2 && !words[2].first!.isNumber ? words[2] : "xy")
        }.flatMap { $0 }
        var ticks: [String] = []
        let xs = rows.compactMap { $0.first }.filter(\.isFinite)
        if !sets("set xtics"), !logAxes.contains("x"), let step = Figure.integerTickStep(xs) {
            ticks.append("set xtics \(step)")
        }
        let ys = rows.flatMap { row in plotted.compactMap { $0 < row.count ? row[$0] : nil } }.filter { $0.isFinite && $0 > 0 }
        if !sets("set ytics"), logAxes.contains("y"), let low = ys.min(), let high = ys.max(), high < 100 * low {
            let values = Figure.logTicks(from: low, to: high)
            ticks.append("set ytics (" + values.map { String(format: "%g", $0) }.joined(separator: ", ") + ")")
        }
        return ticks
    }

    /// The 0-based data columns plotted against column 1 (`using 1:k` → k − 1), or nil when a
    /// `using` clause plots anything else (another x column, an expression) or there is none.
    static func plottedColumns(in gnuplot: String) -> [Int]? {
        var columns: [Int] = []
        var rest = Substring(gnuplot)
        while let range = rest.range(of: "using ") {
            let spec = rest[range.upperBound...].prefix { !$0.isWhitespace && $0 != "," }
            let fields = spec.split(separator: ":")
            guard fields.count >= 2, fields[0] == "1", let k = Int(fields[1]), k >= 2 else { return nil }
            columns.append(k - 1)
            rest = rest[range.upperBound...]
        }
        return columns.isEmpty ? nil : columns
    }

    /// An integer tick step giving at most 10 ticks when every value is an integer and there
    /// are at least two distinct values; nil otherwise.
    static func integerTickStep(_ values: [Double]) -> Int? {
        guard let low = values.min(), let high = values.max(), high > low,
              values.allSatisfy({ $0 == $0.rounded() && abs($0) < 1e9 }) else { return nil }
        let span = high - low
        for step in [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000] where span / Double(step) <= 10 { return step }
        return nil  // a wider integer range: gnuplot's own integer-valued ticks are fine
    }

    /// Tick values between `low` and `high` (0 < low ≤ high < 100·low) at the coarsest mantissa
    /// set that gives at least three: 1–2–5, then 1, 1.5, 2, 3, …, 9, then steps of 0.1 per decade;
    /// the values just outside the data range are included, so the 5 % margins carry a label too.
    static func logTicks(from low: Double, to high: Double) -> [Double] {
        let mantissaSets: [[Double]] = [[1, 2, 5], [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9], (10..<100).map { Double($0) / 10 }]
        let firstDecade = Int((log10(low)).rounded(.down)) - 1, lastDecade = Int((log10(high)).rounded(.up))
        var best: [Double] = []
        for mantissas in mantissaSets {
            let all = (firstDecade...lastDecade).flatMap { d in mantissas.map { $0 * pow(10, Double(d)) } }.sorted()
            let inside = all.filter { $0 >= low * (1 - 1e-12) && $0 <= high * (1 + 1e-12) }
            let below = all.last { $0 < low * (1 - 1e-12) }, above = all.first { $0 > high * (1 + 1e-12) }
            best = (below.map { [$0] } ?? []) + inside + (above.map { [$0] } ?? [])
            if inside.count >= 3 { break }
        }
        return best
    }
}
