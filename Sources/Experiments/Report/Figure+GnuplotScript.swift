// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

extension Figure {
    /// The figure's file stem in a report: `<paperID>-<name>`, with every character other
    /// than a letter, digit, `-` or `_` replaced by `-`.
    public func fileStem(paperID: String) -> String {
        let allowed = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_") }
        return String("\(paperID)-\(name)".map { allowed($0) ? $0 : "-" })
    }

    /// A self-contained gnuplot script for `<stem>.csv`, run in the folder holding it:
    ///
    ///     gnuplot <stem>.gp      →  <stem>.png (pngcairo, or png) and <stem>.svg
    ///
    /// `DATA`, `PNG` and `SVG` are gnuplot string variables that `-e "PNG='…'"` may preset;
    /// `TITLE` holds the figure's title (a multiplot body sets it with `set multiplot … title TITLE`,
    /// as the panels' own titles replace the plot title).
    /// The body (`gnuplot`) runs once per terminal, after `reset`, so multiplots work in both.
    public func gnuplotScript(stem: String) -> String {
        let common = ([
            "set encoding utf8",
            "set datafile separator ','",
            "set datafile missing 'NaN'",
            "TITLE = \(titleLines.map(Figure.quoted).joined(separator: " . \"\\n\" . "))",
            "set title TITLE",
            "set grid",
            // Defaults a figure's own commands may override: readable tick labels on linear
            // and log axes alike (1e-06, not 0.0000010), both ranges fitted to the data (y with
            // 5 % of room above and below, also on log axes, instead of whole decades), and the
            // legend under the plot, where it covers no data and takes no width; then the
            // ticks that gnuplot's automatic choice gets wrong for this data (`dataDrivenTicks`).
            "set format x '%g'",
            "set format y '%g'",
            "set format y2 '%g'",
            "set autoscale xfix",
            "set autoscale yfix",
            "set offsets 0, 0, graph 0.05, graph 0.05",
            "set key below",
        ] + dataDrivenTicks).joined(separator: "\n")
        return """
        # \(title)
        # Written by `resode report`. Render in this folder with:  gnuplot \(stem).gp
        # Data: \(stem).csv (comma-separated, one header line: \(columns.map(Figure.csvField).joined(separator: ","))).
        if (!exists("DATA")) DATA = '\(stem).csv'
        if (!exists("PNG")) PNG = '\(stem).png'
        if (!exists("SVG")) SVG = '\(stem).svg'

        if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) { set terminal pngcairo size \(size.width),\(size.height) noenhanced } else { set terminal png size \(size.width),\(size.height) noenhanced }
        set output PNG
        \(common)
        \(gnuplot)
        unset output

        if (strstrt(GPVAL_TERMINALS, 'svg') == 0) exit
        reset
        set terminal svg size \(size.width),\(size.height) noenhanced
        set output SVG
        \(common)
        \(gnuplot)
        unset output

        """
    }

    /// The title broken at spaces into lines of at most about one character per 10 pixels of
    /// canvas width (a word longer than that stays whole), so a caption with all its parameters fits.
    var titleLines: [String] {
        let limit = Swift.max(size.width / 10, 20)
        var lines: [String] = [], line = ""
        for word in title.split(separator: " ", omittingEmptySubsequences: true) {
            if !line.isEmpty && line.count + 1 + word.count > limit {
                lines.append(line)
                line = String(word)
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        return lines + (line.isEmpty && !lines.isEmpty ? [] : [line])
    }

    /// A gnuplot single-quoted string literal (a quote is written twice).
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
