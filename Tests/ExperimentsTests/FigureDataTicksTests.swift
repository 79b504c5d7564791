// SPDX-License-Identifier: GPL-3.0-or-later
@testable import Experiments
import Foundation
import Testing

@Suite("Ticks computed from a figure's data: integer x steps, labelled narrow log axes, a quoted CSV header")
struct FigureDataTicksTests {
    static func figure(_ gnuplot: String, rows: [[Double]], columns: [String] = ["epoch", "a", "b"]) -> Figure {
        Figure(name: "f", title: "t", columns: columns, rows: rows, gnuplot: gnuplot)
    }

    @Test("two epochs get integer ticks; the figure's own xtics, a log x axis or another x column get none")
    func integerXTicks() {
        let rows: [[Double]] = [[1, 0.9, 0.8], [2, 0.7, 0.5]]
        #expect(Self.figure("plot DATA using 1:2, DATA using 1:3", rows: rows).dataDrivenTicks == ["set xtics 1"])
        #expect(Self.figure("set xtics 1, 1\nplot DATA using 1:2", rows: rows).dataDrivenTicks.isEmpty)
        #expect(Self.figure("set logscale x\nplot DATA using 1:2", rows: rows).dataDrivenTicks.isEmpty)
        #expect(Self.figure("plot DATA using 2:3", rows: rows).dataDrivenTicks.isEmpty)
        // 0…200 epochs: a step of 20 gives ten ticks; non-integer x values get gnuplot's own ticks.
        #expect(Figure.integerTickStep([0, 200]) == 20)
        #expect(Figure.integerTickStep([0, 0.5, 1]) == nil)
        #expect(Self.figure("plot DATA using 1:2", rows: [[1, 2, 3]]).dataDrivenTicks.isEmpty)  // one point: nothing to step
    }

    @Test("a log y axis spanning less than two decades gets at least three labelled ticks inside the data")
    func narrowLogAxis() throws {
        let rows: [[Double]] = [[1, 0.91, 0.62], [2, 0.75, 0.52]]
        let ticks = Self.figure("set logscale y\nplot DATA using 1:2, DATA using 1:3", rows: rows).dataDrivenTicks
        #expect(ticks.first == "set xtics 1")
        let line = try #require(ticks.last)
        #expect(line == "set ytics (0.5, 0.6, 0.7, 0.8, 0.9, 1)")
        // Two decades or more: gnuplot labels three decades or more, nothing is added.
        let wide = Self.figure("set logscale y\nplot DATA using 1:2", rows: [[1, 1e-3, 1], [2, 0.5, 1]])
        #expect(!wide.dataDrivenTicks.contains { $0.hasPrefix("set ytics") })
        // 1–2–5 when they already give three inside; at least three inside in every case.
        #expect(Figure.logTicks(from: 1, to: 5.5) == [0.5, 1, 2, 5, 10])  // with one tick beyond each end
        for (low, high) in [(0.31, 0.33), (1.01, 9.9), (2e-7, 7e-7), (45.0, 46.0), (0.021, 2.2)] {
            let inside = Figure.logTicks(from: low, to: high).filter { $0 >= low && $0 <= high }
            #expect(inside.count >= 3 || high / low < 1.1, "\(low)…\(high): \(inside)")
        }
    }

    @Test("a column name with a comma or quote is one quoted CSV field")
    func quotedHeader() {
        let figure = Self.figure("plot DATA using 1:2", rows: [[1, 2]], columns: ["epoch", "post-activation, projection"])
        #expect(figure.csv.hasPrefix("epoch,\"post-activation, projection\"\n"))
        #expect(Figure.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(Figure.csvField("plain") == "plain")
    }
}
