// SPDX-License-Identifier: GPL-3.0-or-later

/// The header dictionary of a `.npy` file, a Python literal with exactly three keys:
///
///     {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }
///
/// `descr` is the dtype, `fortran_order` says the data is column-major, and
/// `shape` is a tuple of non-negative integers (`()` for a scalar).
struct NumPyHeader: Equatable {
    let descriptor: String
    let isFortranOrder: Bool
    let shape: [Int]

    init(descriptor: String, isFortranOrder: Bool, shape: [Int]) {
        self.descriptor = descriptor
        self.isFortranOrder = isFortranOrder
        self.shape = shape
    }

    /// Parses and validates the header text (trailing padding and newline allowed).
    /// - Throws: `NumPyFormatError.unparsableHeader` saying what is wrong,
    ///   `.unsupportedDataType` for a structured (list) dtype, `.invalidShape` for a negative dimension.
    init(parsing text: String) throws {
        func failure(_ reason: String) -> NumPyFormatError {
            .unparsableHeader(header: NumPyHeader.excerpt(of: text), reason: reason)
        }
        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(text)
        } catch let syntaxError as PythonLiteralSyntaxError {
            throw failure(syntaxError.description)
        }
        guard case let .dictionary(entries) = literal else {
            throw failure("the header is \(literal.kindName), not a dict")
        }
        var values: [String: PythonLiteral] = [:]
        for entry in entries {
            guard case let .string(key) = entry.key else {
                throw failure("a dict key is \(entry.key.kindName), not a string")
            }
            guard ["descr", "fortran_order", "shape"].contains(key) else { throw failure("unexpected key '\(key)'") }
            guard values.updateValue(entry.value, forKey: key) == nil else { throw failure("key '\(key)' appears twice") }
        }
        for key in ["descr", "fortran_order", "shape"] where values[key] == nil {
            throw failure("missing key '\(key)'")
        }

        switch values["descr"] {
        case let .string(descriptor)?: self.descriptor = descriptor
        case .list?: throw NumPyFormatError.unsupportedDataType("a structured dtype (a list of fields)")
        case let other?: throw failure("'descr' is \(other.kindName), expected a string such as '<f8'")
        case nil: throw failure("missing key 'descr'")
        }
        guard case let .boolean(isFortranOrder)? = values["fortran_order"] else {
            throw failure("'fortran_order' is \(values["fortran_order"]?.kindName ?? "missing"), expected True or False")
        }
        self.isFortranOrder = isFortranOrder
        guard case let .tuple(dimensions)? = values["shape"] else {
            throw failure("'shape' is \(values["shape"]?.kindName ?? "missing"), expected a tuple of integers")
        }
        var shape: [Int] = []
        shape.reserveCapacity(dimensions.count)
        for dimension in dimensions {
            guard case let .integer(size) = dimension else {
                throw failure("'shape' holds \(dimension.kindName), expected integers only")
            }
            shape.append(size)
        }
        if shape.contains(where: { $0 < 0 }) {
            throw NumPyFormatError.invalidShape(shape, reason: "a dimension is negative")
        }
        self.shape = shape
    }

    /// Number of elements, `∏ shape` (1 for a scalar). A zero dimension gives 0 even when
    /// the other dimensions alone would overflow.
    /// - Throws: `NumPyFormatError.invalidShape` when the product overflows `Int`.
    func elementCount() throws -> Int {
        if shape.contains(0) { return 0 }
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw NumPyFormatError.invalidShape(shape, reason: "the element count overflows a 64-bit integer")
            }
            count = product
        }
        return count
    }

    /// The dict as NumPy prints it: keys sorted, Python `repr` of each value, a trailing `", "`.
    var dictionaryText: String {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        return "{'descr': '\(descriptor)', 'fortran_order': \(isFortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
    }

    /// The header trimmed of its padding and cut to a readable length, for error messages.
    static func excerpt(of text: String) -> String {
        var trimmed = Substring(text)
        while let last = trimmed.last, last.isWhitespace { trimmed = trimmed.dropLast() }
        return trimmed.count > 200 ? String(trimmed.prefix(200)) + "…" : String(trimmed)
    }
}
