// SPDX-License-Identifier: GPL-3.0-or-later

/// What went wrong while building, loading or slicing a `Dataset`.
///
/// Rows and columns of a CSV file are counted from 1, as an editor shows them:
/// `row` is the line number, `column` the field number within the line.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A generator or helper argument outside its allowed range (a count, a fraction, a radius…).
    case invalidParameter(name: String, reason: String)
    /// Inputs, targets and labels that do not describe the same samples.
    case inconsistentShapes(reason: String)
    /// A sample index outside `0..<count`.
    case indexOutOfRange(index: Int, count: Int)
    /// A CSV row with the wrong number of comma-separated fields.
    case wrongColumnCount(row: Int, columns: Int, expected: Int)
    /// A CSV field that is not a non-negative integer.
    case invalidNumber(row: Int, column: Int, text: String)
    /// A pixel count outside `0…16`.
    case pixelOutOfRange(row: Int, column: Int, value: Int)
    /// A class label outside `0..<classCount`.
    case labelOutOfRange(row: Int, label: Int, classCount: Int)
    /// A CSV source with no data rows.
    case noRows(source: String)
    /// A file that could not be read.
    case unreadableFile(path: String, reason: String)
    /// A resource missing from the module bundle.
    case missingResource(name: String)

    /// A one-line message naming the problem and the offending value, row or column.
    public var description: String {
        switch self {
        case let .invalidParameter(name, reason):
            return "invalid `\(name)`: \(reason)"
        case let .inconsistentShapes(reason):
            return "inconsistent dataset: \(reason)"
        case let .indexOutOfRange(index, count):
            return "sample index \(index) is out of range 0..<\(count)"
        case let .wrongColumnCount(row, columns, expected):
            return "row \(row) has \(columns) columns; expected \(expected)"
        case let .invalidNumber(row, column, text):
            return "row \(row), column \(column): \"\(text)\" is not a non-negative integer"
        case let .pixelOutOfRange(row, column, value):
            return "row \(row), column \(column): pixel value \(value) is outside 0…16"
        case let .labelOutOfRange(row, label, classCount):
            return "row \(row): label \(label) is outside 0..<\(classCount)"
        case let .noRows(source):
            return "\(source) contains no data rows"
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .missingResource(name):
            return "resource \(name) is missing from the ResidualNets bundle"
        }
    }
}
