// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Foundation

/// A paper that measures nothing: a fixed result for the report and README tests.
struct StubPaper: Paper {
    let id: String
    let title = "A stub | with a pipe"
    let claim = "1 + 1 = 2."
    let source = "Nobody, Nowhere (2024)"
    var figures: [Figure] = [StubPaper.lineFigure]

    init(id: String = "stub-paper") { self.id = id }

    static let lineFigure = Figure(name: "line", title: "y = x²", columns: ["x", "y"],
                                   rows: [[1, 1], [2, 4], [3, .nan]],
                                   gnuplot: "plot DATA using 1:2 with linespoints title 'y'")

    func run(profile: Profile, progress: @escaping @Sendable (String) -> Void) throws -> PaperResult {
        progress("adding")
        return PaperResult(paper: self, profile: profile,
                           tables: [ResultTable(caption: "Sums", columns: ["a", "b", "|a + b|"], rows: [["1", "1", "2"]])],
                           figures: figures, verdict: Verdict(reproduced: true, summary: "1 + 1 = 2 exactly."), seconds: 0.5,
                           numbers: ["sum": 2, "infinite": .infinity])
    }
}
