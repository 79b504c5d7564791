// SPDX-License-Identifier: GPL-3.0-or-later

/// A Python literal as it appears in a `.npy` header: the subset of
/// `ast.literal_eval` that NumPy writes there.
///
///     literal := string | integer | True | False | None
///              | '(' [literal (',' literal)* [',']] ')'      tuple; `(x)` is just `x`
///              | '[' [literal (',' literal)* [',']] ']'
///              | '{' [literal ':' literal (',' …)* [',']] '}'
///
/// Strings take single or double quotes with backslash escapes; integers may carry
/// a sign and Python 2's `L` suffix. Nesting is limited to `maximumDepth` so a
/// hostile header cannot exhaust the stack.
indirect enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dictionary([DictionaryEntry])

    struct DictionaryEntry: Equatable {
        let key: PythonLiteral
        let value: PythonLiteral
    }

    static let maximumDepth = 32

    /// A short description of the literal's kind, for error messages.
    var kindName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "a boolean"
        case .none: "None"
        case .tuple: "a tuple"
        case .list: "a list"
        case .dictionary: "a dict"
        }
    }

    /// Parses `text` as exactly one literal surrounded by optional whitespace.
    /// - Throws: `PythonLiteralSyntaxError` naming the position and what was expected.
    static func parse(_ text: String) throws -> PythonLiteral {
        var parser = Parser(characters: Array(text.unicodeScalars))
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.isAtEnd else { throw parser.error("unexpected text after the literal") }
        return value
    }
}

/// Why a header is not a Python literal; `position` counts Unicode scalars from 0.
struct PythonLiteralSyntaxError: Error, CustomStringConvertible {
    let position: Int
    let message: String
    var description: String { "\(message) at character \(position)" }
}

private struct Parser {
    let characters: [Unicode.Scalar]
    var position = 0

    var isAtEnd: Bool { position >= characters.count }
    var current: Unicode.Scalar? { isAtEnd ? nil : characters[position] }

    func error(_ message: String) -> PythonLiteralSyntaxError {
        PythonLiteralSyntaxError(position: position, message: message)
    }

    mutating func skipWhitespace() {
        while let c = current, c == " " || c == "\t" || c == "\n" || c == "\r" { position += 1 }
    }

    mutating func parseValue(depth: Int) throws -> PythonLiteral {
        guard depth < PythonLiteral.maximumDepth else {
            throw error("literal nested deeper than \(PythonLiteral.maximumDepth) levels")
        }
        skipWhitespace()
        guard let c = current else { throw error("unexpected end of header, expected a value") }
        switch c {
        case "'", "\"": return .string(try parseString(quote: c))
        case "(": return try parseTuple(depth: depth)
        case "[": return .list(try parseSequence(closing: "]", depth: depth))
        case "{": return try parseDictionary(depth: depth)
        case "-", "+", "0"..."9": return .integer(try parseInteger())
        default:
            let start = position
            let word = parseWord()
            switch word {
            case "True": return .boolean(true)
            case "False": return .boolean(false)
            case "None": return .none
            case "": throw error("unexpected character '\(c)'")
            default: throw PythonLiteralSyntaxError(position: start, message: "unexpected name '\(word)'")
            }
        }
    }

    mutating func parseWord() -> String {
        var word = String.UnicodeScalarView()
        while let c = current, c.properties.isAlphabetic || c == "_" || ("0"..."9").contains(c) {
            word.append(c)
            position += 1
        }
        return String(word)
    }

    mutating func parseString(quote: Unicode.Scalar) throws -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        while let c = current {
            position += 1
            if c == quote { return String(scalars) }
            if c == "\\" {
                guard let escaped = current else { break }
                position += 1
                switch escaped {
                case "n": scalars.append("\n")
                case "t": scalars.append("\t")
                case "r": scalars.append("\r")
                case "0": scalars.append("\0")
                default: scalars.append(escaped)  // \\ \' \" and anything else verbatim
                }
            } else {
                scalars.append(c)
            }
        }
        throw error("unterminated string")
    }

    mutating func parseInteger() throws -> Int {
        let start = position
        var negative = false
        if let sign = current, sign == "-" || sign == "+" {
            negative = sign == "-"
            position += 1
        }
        var magnitude: UInt64 = 0
        var digits = 0
        while let c = current, ("0"..."9").contains(c) {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(c.value - 48))
            guard !overflow1, !overflow2 else {
                position = start
                throw error("integer does not fit in 64 bits")
            }
            magnitude = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw error("expected digits after the sign") }
        if let c = current, c == "L" || c == "l" { position += 1 }  // Python 2 long suffix
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else {
                position = start
                throw error("integer does not fit in 64 bits")
            }
            return magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard let value = Int(exactly: magnitude) else {
            position = start
            throw error("integer does not fit in 64 bits")
        }
        return value
    }

    /// Elements up to `closing`, separated by commas, with an optional trailing comma.
    /// Returns the elements and whether any comma was seen.
    mutating func parseElements(closing: Unicode.Scalar, depth: Int) throws -> (elements: [PythonLiteral], sawComma: Bool) {
        position += 1
        var elements: [PythonLiteral] = []
        var sawComma = false
        while true {
            skipWhitespace()
            guard let c = current else { throw error("unexpected end of header, expected '\(closing)'") }
            if c == closing {
                position += 1
                return (elements, sawComma)
            }
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard let next = current else { throw error("unexpected end of header, expected '\(closing)'") }
            if next == "," {
                sawComma = true
                position += 1
            } else if next != closing {
                throw error("expected ',' or '\(closing)', found '\(next)'")
            }
        }
    }

    mutating func parseSequence(closing: Unicode.Scalar, depth: Int) throws -> [PythonLiteral] {
        try parseElements(closing: closing, depth: depth).elements
    }

    mutating func parseTuple(depth: Int) throws -> PythonLiteral {
        let (elements, sawComma) = try parseElements(closing: ")", depth: depth)
        // `(x)` is a parenthesised value, not a tuple; `(x,)` and `()` are tuples.
        if elements.count == 1 && !sawComma { return elements[0] }
        return .tuple(elements)
    }

    mutating func parseDictionary(depth: Int) throws -> PythonLiteral {
        position += 1
        var entries: [PythonLiteral.DictionaryEntry] = []
        while true {
            skipWhitespace()
            guard let c = current else { throw error("unexpected end of header, expected '}'") }
            if c == "}" {
                position += 1
                return .dictionary(entries)
            }
            let key = try parseValue(depth: depth + 1)
            skipWhitespace()
            guard current == ":" else { throw error("expected ':' after a dict key") }
            position += 1
            let value = try parseValue(depth: depth + 1)
            entries.append(.init(key: key, value: value))
            skipWhitespace()
            guard let next = current else { throw error("unexpected end of header, expected '}'") }
            if next == "," {
                position += 1
            } else if next != "}" {
                throw error("expected ',' or '}', found '\(next)'")
            }
        }
    }
}
