// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Foundation
import Testing

@Suite("A figure a paper could print: labelled axes, readable log ticks, a visible title")
struct FigurePresentationTests {
    static func figure(_ gnuplot: String, title: String = "y against x") -> Figure {
        Figure(name: "f", title: title, columns: ["x", "y"], rows: [[1, 1]], gnuplot: gnuplot)
    }

    @Test("labelled linear and log axes with the preamble's %g format pass")
    func goodFigurePasses() {
        let good = Self.figure("""
            set logscale xy
            set xlabel 'h (time units)'
            set ylabel 'error'
            plot DATA using 1:2 with lines title 'e'
            """)
        #expect(good.presentationProblems.isEmpty)
        let exponent = Self.figure("set logscale y2\nset format y2 '10^{%T}'\nset xlabel 'x'\nset ylabel 'y'\nplot DATA using 1:2")
        #expect(exponent.presentationProblems.isEmpty)
    }

    @Test("a missing or empty axis label is reported")
    func missingLabels() {
        let problems = Self.figure("set xlabel ''\nplot DATA using 1:2").presentationProblems
        #expect(problems.count == 2)
        #expect(problems.contains { $0.contains("xlabel") } && problems.contains { $0.contains("ylabel") })
    }

    @Test("a fixed-point tick format on a log axis is reported, per axis")
    func unreadableLogFormat() {
        let fixed = Self.figure("set logscale y\nset format y '%.7f'\nset xlabel 'x'\nset ylabel 'y'\nplot DATA using 1:2")
        #expect(fixed.presentationProblems == ["log axis y has the tick format '%.7f', which prints small values unreadably"])
        // A fixed format on the linear x axis is fine; x2 and cb have no preamble format.
        let linearX = Self.figure("set logscale y\nset format x '%.1f'\nset xlabel 'x'\nset ylabel 'y'\nplot DATA using 1:2")
        #expect(linearX.presentationProblems.isEmpty)
        let colourBox = Self.figure("set logscale cb\nset xlabel 'x'\nset ylabel 'y'\nsplot DATA using 1:2:2")
        #expect(colourBox.presentationProblems.count == 1 && colourBox.presentationProblems[0].contains("cb"))
        // `set format` without an axis applies to every axis.
        let all = Self.figure("set logscale x\nset format '%3.2f'\nset xlabel 'x'\nset ylabel 'y'\nplot DATA using 1:2")
        #expect(all.presentationProblems.count == 1 && all.presentationProblems[0].hasPrefix("log axis x"))
    }

    @Test("a multiplot must show the figure's title, and the title must not be empty")
    func multiplotTitle() {
        let hidden = Self.figure("set multiplot layout 1,2\nset xlabel 'x'\nset ylabel 'y'\nplot DATA using 1:2\nunset multiplot")
        #expect(hidden.presentationProblems.count == 1 && hidden.presentationProblems[0].contains("multiplot"))
        let shown = Self.figure("set multiplot layout 1,2 title TITLE\nset xlabel 'x'\nset ylabel 'y'\nplot DATA using 1:2\nunset multiplot")
        #expect(shown.presentationProblems.isEmpty)
        #expect(Self.figure("set xlabel 'x'\nset ylabel 'y'", title: " ").presentationProblems == ["the figure has no title"])
    }

    @Test("a long title is wrapped into lines that fit the canvas, joined with newlines in TITLE")
    func titleWrapping() throws {
        let words = (1...40).map { "word\($0)" }
        var figure = Self.figure("set xlabel 'x'\nset ylabel 'y'", title: words.joined(separator: " "))
        figure.size = Figure.Size(width: 600, height: 400)
        let script = figure.gnuplotScript(stem: "f")
        let line = try #require(script.split(separator: "\n").first { $0.hasPrefix("TITLE = ") })
        let pieces = line.dropFirst("TITLE = ".count).components(separatedBy: " . \"\\n\" . ")
        #expect(pieces.count > 1)
        #expect(pieces.allSatisfy { $0.count - 2 <= 60 })
        #expect(pieces.map { $0.dropFirst().dropLast() }.joined(separator: " ") == words.joined(separator: " "))
        #expect(script.contains("size 600,400"))
    }
}
