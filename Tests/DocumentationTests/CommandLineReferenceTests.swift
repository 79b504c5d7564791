// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE
import Testing

/// The article "The resode command line" lists every spec key and every metrics column:
/// its tables are compared with the keys the specs themselves write and with `MetricsLog`,
/// so a key added to (or removed from) a spec fails here until the reference says so.
@Suite("Article: the resode command line reference")
struct CommandLineReferenceTests {
    static let article = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/ResODE/ResODE.docc/CommandLineReference.md")

    /// The backticked names in the first cell of each table row of the section whose
    /// heading starts with `heading`, up to the next heading.
    static func tableKeys(under heading: String) throws -> Set<String> {
        let text = try String(contentsOf: article, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix(heading) }) else {
            Issue.record("no section '\(heading)' in \(article.lastPathComponent)")
            return []
        }
        var keys = Set<String>()
        for line in lines[(start + 1)...] {
            if line.hasPrefix("#") { break }
            guard line.hasPrefix("| `") else { continue }
            let cell = line.dropFirst(2).prefix { $0 != "|" }
            for (i, part) in cell.split(separator: "`", omittingEmptySubsequences: false).enumerated() where i % 2 == 1 {
                keys.insert(String(part))
            }
        }
        return keys
    }

    /// The top-level keys of a JSON object.
    static func keys(of json: Data) throws -> Set<String> {
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        return Set(object.keys)
    }

    @Test("the resnet/plain table lists exactly the keys a ResidualNetworkSpec writes")
    func residualSpecKeys() throws {
        let spec = try ResidualNetworkSpec(dimension: 2, hidden: 3, depth: 4)
        #expect(try Self.tableKeys(under: "### model \"resnet\"") == Self.keys(of: JSONEncoder().encode(spec)))
    }

    @Test("the node table lists exactly the keys a NeuralODESpec with a gradient method writes")
    func neuralODESpecKeys() throws {
        let spec = try NeuralODESpec(dimension: 2, hidden: 3, gradient: .adjoint)
        #expect(try Self.tableKeys(under: "### model \"node\"") == Self.keys(of: spec.encodedJSON()))
    }

    @Test("the conv-resnet table lists exactly the keys a ConvolutionalResNetSpec writes")
    func convolutionalSpecKeys() throws {
        let spec = try ConvolutionalResNetSpec(inputChannels: 1, height: 8, width: 8, classes: 10, blocksPerStage: 1)
        #expect(try Self.tableKeys(under: "### model \"conv-resnet\"") == Self.keys(of: spec.encodedJSON()))
    }

    @Test("the metrics.csv paragraph names every fixed column, in MetricsLog's order")
    func metricsColumns() throws {
        let text = try String(contentsOf: Self.article, encoding: .utf8)
        let paragraph = try #require(text.range(of: "**`metrics.csv` columns**").map { String(text[$0.lowerBound...].prefix(1500)) })
        let positions = MetricsLog.fixedColumns.map { paragraph.range(of: "`\($0)`")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "missing: \(zip(MetricsLog.fixedColumns, positions).filter { $0.1 == nil }.map(\.0))")
        let found = positions.compactMap { $0 }
        #expect(found == found.sorted(), "the columns are listed out of order")
    }
}
