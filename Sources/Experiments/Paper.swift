// SPDX-License-Identifier: GPL-3.0-or-later

/// How much work a paper's reproduction does.
public enum Profile: String, Sendable, CaseIterable {
    /// Seconds to a couple of minutes on 2 cores: small models, few seeds. Runs in the test suite.
    case quick
    /// Paper scale (as far as this machine and our data allow).
    case full
}

/// One published claim, reproduced as a measurement. Each has a folder
/// `Papers/<id>/` with a README giving the claim, the source and its numbers,
/// the command, and our last measured table (written by `resode paper <id>`).
public protocol Paper: Sendable {
    /// Folder name and command-line key, e.g. `seed-gradient-highway`.
    var id: String { get }
    /// A short title.
    var title: String { get }
    /// The claim in one or two sentences, with its equation.
    var claim: String { get }
    /// The source: authors, title, venue, year (and section or figure).
    var source: String { get }
    /// Runs the experiment and judges the claim on the numbers.
    /// - Parameters:
    ///   - profile: `.quick` (seconds, run by the tests) or `.full` (paper scale).
    ///   - progress: receives one short line per stage.
    func run(profile: Profile, progress: @escaping @Sendable (String) -> Void) throws -> PaperResult
}

/// What a reproduction measured: tables, figures (as data plus a gnuplot
/// script), and the verdict.
public struct PaperResult: Sendable {
    /// The paper's id.
    public var id: String
    /// The paper's title.
    public var title: String
    /// The paper's claim.
    public var claim: String
    /// The paper's source.
    public var source: String
    /// The profile that was run.
    public var profile: Profile
    /// The measured tables, in reading order.
    public var tables: [ResultTable]
    /// The figures (data and gnuplot scripts).
    public var figures: [Figure]
    /// Whether the claim was reproduced, and why.
    public var verdict: Verdict
    /// Wall time of the run in seconds.
    public var seconds: Double
    /// The deciding numbers by name (e.g. `"plainToResidualGradientRatio": 7e-29`), unformatted:
    /// what tests assert on and what the report's `results.json` lists.
    public var numbers: [String: Double]

    /// A result of `paper` (its id, title, claim and source are copied).
    public init(paper: some Paper, profile: Profile, tables: [ResultTable], figures: [Figure], verdict: Verdict,
                seconds: Double = 0, numbers: [String: Double] = [:]) {
        self.id = paper.id; self.title = paper.title; self.claim = paper.claim; self.source = paper.source
        self.profile = profile; self.tables = tables; self.figures = figures; self.verdict = verdict; self.seconds = seconds
        self.numbers = numbers
    }
}

/// Whether the claim was reproduced, and the numbers that decided it.
public struct Verdict: Sendable, Equatable {
    /// Whether the measured numbers meet the claim's stated thresholds.
    public var reproduced: Bool
    /// One or two sentences with the deciding numbers, e.g. "plain/residual gradient ratio at layer 0: 3e-9 (< 1e-3)".
    public var summary: String

    /// A verdict with its deciding numbers.
    public init(reproduced: Bool, summary: String) {
        self.reproduced = reproduced
        self.summary = summary
    }
}

/// A table of results: a caption, column names and rows of formatted cells.
public struct ResultTable: Sendable, Equatable {
    /// One line saying what the table shows (empty for none).
    public var caption: String
    /// The column headers.
    public var columns: [String]
    /// The formatted cells, one array per row, as many as `columns`.
    public var rows: [[String]]

    /// A table with the given caption, headers and cells.
    public init(caption: String, columns: [String], rows: [[String]]) {
        self.caption = caption
        self.columns = columns
        self.rows = rows
    }

    /// The table in GitHub-flavoured Markdown (a `|` inside a cell is escaped as `\|`).
    public var markdown: String {
        var lines = ["| " + columns.map(MarkdownText.cell).joined(separator: " | ") + " |",
                     "|" + String(repeating: " --- |", count: columns.count)]
        for row in rows { lines.append("| " + row.map(MarkdownText.cell).joined(separator: " | ") + " |") }
        return (caption.isEmpty ? "" : "**\(caption)**\n\n") + lines.joined(separator: "\n")
    }
}

/// A plot: its data (written as CSV, one column per name) and a gnuplot script
/// that reads that CSV. The report renders it to PNG and SVG when gnuplot is
/// installed and keeps the data and script either way.
public struct Figure: Sendable, Equatable {
    /// File stem, e.g. `gradient-norms` → `<id>-gradient-norms.csv/.gp/.png/.svg`.
    public var name: String
    /// The plot's title.
    public var title: String
    /// The CSV column names (the header line).
    public var columns: [String]
    /// Rows of numbers (use NaN for a missing value).
    public var rows: [[Double]]
    /// gnuplot commands after the terminal and output are set. `DATA` stands for the
    /// CSV path (comma-separated, one header line), e.g.
    /// `set logscale y; plot DATA using 1:2 with lines title 'plain'`.
    public var gnuplot: String
    /// The canvas in pixels (PNG) or points (SVG); larger for multi-panel or equal-aspect plots.
    public var size: Size

    /// A canvas size: width and height.
    public struct Size: Sendable, Equatable {
        /// Width and height.
        public var width: Int, height: Int

        /// A canvas `width` × `height`.
        public init(width: Int, height: Int) {
            self.width = width
            self.height = height
        }

        /// 900 × 600: one panel with its legend below.
        public static let standard = Size(width: 900, height: 600)
    }

    /// A figure with its data and plotting commands, drawn on a canvas of `size`.
    public init(name: String, title: String, columns: [String], rows: [[Double]], gnuplot: String, size: Size = .standard) {
        self.name = name
        self.title = title
        self.columns = columns
        self.rows = rows
        self.gnuplot = gnuplot
        self.size = size
    }

    /// The data as CSV with a header line; a column name holding a comma or a double quote is
    /// quoted as RFC 4180 says (`"post-activation, projection"`), so the header keeps one field per column.
    public var csv: String {
        ([columns.map(Figure.csvField).joined(separator: ",")] + rows.map { $0.map { $0.isNaN ? "NaN" : "\($0)" }.joined(separator: ",") })
            .joined(separator: "\n") + "\n"
    }

    /// `name` as one CSV field: unchanged, or in double quotes (a quote doubled) when it holds a comma, quote or newline.
    static func csvField(_ name: String) -> String {
        guard name.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return name }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
