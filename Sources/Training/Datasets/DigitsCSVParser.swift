// SPDX-License-Identifier: GPL-3.0-or-later

/// Parser for the 8×8 digits CSV format, working on raw bytes (no per-field `String`).
///
/// Format: one sample per line, no header, 65 comma-separated non-negative integers:
/// 64 pixel counts in `0…16` (the 8×8 image, row-major), then the label in `0…9`.
/// Blank lines, `\r\n` line ends, spaces around fields and a UTF-8 byte-order mark are
/// accepted. Rows and columns in errors are 1-based line and field numbers.
enum DigitsCSVParser {
    static let pixelCount = 64
    static let columnCount = pixelCount + 1
    static let classCount = 10
    static let maximumPixel = 16

    /// The pixel counts scaled by 1/16 (row-major, `rows × 64`) and the labels.
    static func parse(_ bytes: [UInt8], source: String) throws -> (pixels: [Double], labels: [Int]) {
        let (comma, newline, carriageReturn, space, tab): (UInt8, UInt8, UInt8, UInt8, UInt8) = (44, 10, 13, 32, 9)
        let zero: UInt8 = 48
        let end = bytes.count
        var position = 0
        if end >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3 }

        var lineCount = 0
        for byte in bytes where byte == newline { lineCount += 1 }
        var pixels = [Double]()
        var labels = [Int]()
        pixels.reserveCapacity((lineCount + 1) * pixelCount)
        labels.reserveCapacity(lineCount + 1)

        var fields = [Int](repeating: 0, count: columnCount)
        var row = 0
        while position < end {
            row += 1
            var lineEnd = position
            while lineEnd < end && bytes[lineEnd] != newline { lineEnd += 1 }
            let next = lineEnd + 1
            if lineEnd > position && bytes[lineEnd - 1] == carriageReturn { lineEnd -= 1 }
            var isBlank = true
            for k in position..<lineEnd where bytes[k] != space && bytes[k] != tab { isBlank = false; break }
            if isBlank { position = next; continue }

            var column = 0
            var fieldStart = position
            while true {
                var fieldEnd = fieldStart
                while fieldEnd < lineEnd && bytes[fieldEnd] != comma { fieldEnd += 1 }
                column += 1
                var first = fieldStart, last = fieldEnd
                while first < last && (bytes[first] == space || bytes[first] == tab) { first += 1 }
                while last > first && (bytes[last - 1] == space || bytes[last - 1] == tab) { last -= 1 }
                var value = 0
                var isNumber = first < last
                for k in first..<last {
                    let digit = bytes[k] &- zero
                    guard digit <= 9 else { isNumber = false; break }
                    value = min(value * 10 + Int(digit), 1 << 40)  // saturate; any such value is out of range
                }
                guard isNumber else {
                    throw DatasetError.invalidNumber(
                        row: row, column: column,
                        text: String(decoding: bytes[fieldStart..<fieldEnd], as: UTF8.self))
                }
                if column <= columnCount { fields[column - 1] = value }
                if fieldEnd >= lineEnd { break }
                fieldStart = fieldEnd + 1
            }
            guard column == columnCount else {
                throw DatasetError.wrongColumnCount(row: row, columns: column, expected: columnCount)
            }
            for c in 0..<pixelCount {
                guard fields[c] <= maximumPixel else {
                    throw DatasetError.pixelOutOfRange(row: row, column: c + 1, value: fields[c])
                }
                pixels.append(Double(fields[c]) / Double(maximumPixel))
            }
            guard fields[pixelCount] < classCount else {
                throw DatasetError.labelOutOfRange(row: row, label: fields[pixelCount], classCount: classCount)
            }
            labels.append(fields[pixelCount])
            position = next
        }
        guard !labels.isEmpty else { throw DatasetError.noRows(source: source) }
        return (pixels, labels)
    }
}
