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
    /// `DATA`, `PNG` and `SVG` are gnuplot string variables that `-e "PNG='…'"` may preset.
    /// The body (`gnuplot`) runs once per terminal, after `reset`, so multiplots work in both.
    public func gnuplotScript(stem: String) -> String {
        let common = [
            "set encoding utf8",
            "set datafile separator ','",
            "set datafile missing 'NaN'",
            "set title \(Figure.quoted(title))",
            "set grid",
            // Defaults a figure's own commands may override: readable tick labels on linear
            // and log axes alike (1e-06, not 0.0000010), the x range fitted to the data, and
            // the legend under the plot, where it covers no data and takes no width.
            "set format x '%g'",
            "set format y '%g'",
            "set autoscale xfix",
            "set key below",
        ].joined(separator: "\n")
        return """
        # \(title)
        # Written by `resode report`. Render in this folder with:  gnuplot \(stem).gp
        # Data: \(stem).csv (comma-separated, one header line: \(columns.joined(separator: ", "))).
        if (!exists("DATA")) DATA = '\(stem).csv'
        if (!exists("PNG")) PNG = '\(stem).png'
        if (!exists("SVG")) SVG = '\(stem).svg'

        if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) { set terminal pngcairo size 900,600 noenhanced } else { set terminal png size 900,600 noenhanced }
        set output PNG
        \(common)
        \(gnuplot)
        unset output

        if (strstrt(GPVAL_TERMINALS, 'svg') == 0) exit
        reset
        set terminal svg size 900,600 noenhanced
        set output SVG
        \(common)
        \(gnuplot)
        unset output

        """
    }

    /// A gnuplot single-quoted string literal (a quote is written twice).
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
