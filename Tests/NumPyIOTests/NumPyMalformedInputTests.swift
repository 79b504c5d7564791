// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import NumPyIO
import Testing
import TensorCore

private let validHeader = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n"

/// The reason carried by an `.unparsableHeader` error, or `nil` for any other error
/// (header cap raised to `maximumHeaderBytes`).
private func unparsableReason(_ data: Data, maximumHeaderBytes: Int = 10_000) -> String? {
    do {
        _ = try NumPy.decodeArray(data, limits: NumPyReadLimits(maximumBytes: 1 << 30, maximumHeaderBytes: maximumHeaderBytes))
        return nil
    } catch let NumPyFormatError.unparsableHeader(_, reason) {
        return reason
    } catch {
        return nil
    }
}

@Test("a file whose data is cut short reports how many bytes the header promised and how many exist")
func truncatedData() throws {
    let data = try fixtureData("float64_2d.npy")
    // 12 float64 = 96 bytes of data; drop the last 5.
    #expect(throws: NumPyFormatError.dataLengthMismatch(expectedBytes: 96, actualBytes: 91)) {
        try NumPy.decodeArray(data.dropLast(5))
    }
}

@Test("trailing bytes after the data are a length mismatch too (a mislabelled dtype)")
func mislabelledDataType() throws {
    // Eight bytes of float64 data labelled as two float32: header says 8 bytes, file has 16.
    let data = handMadeArrayFile(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n",
                                 payload: littleEndianBytes([1.5, 2.5]))
    #expect(throws: NumPyFormatError.dataLengthMismatch(expectedBytes: 8, actualBytes: 16)) {
        try NumPy.decodeArray(data)
    }
}

@Test("a header cut off before its announced length is a truncated header")
func truncatedHeader() throws {
    let data = try fixtureData("float64_2d.npy")
    #expect(throws: NumPyFormatError.truncatedHeader(expectedBytes: 128, availableBytes: 40)) {
        try NumPy.decodeArray(data.prefix(40))
    }
    #expect(throws: NumPyFormatError.truncatedHeader(expectedBytes: 10, availableBytes: 0)) {
        try NumPy.decodeArray(Data())
    }
}

@Test("a file that does not start with \\x93NUMPY is reported with its first bytes")
func badMagic() throws {
    var data = try fixtureData("float64_2d.npy")
    data[data.startIndex + 1] = UInt8(ascii: "X")
    #expect(throws: NumPyFormatError.badMagic(found: [0x93, 0x58, 0x55, 0x4D, 0x50, 0x59, 1, 0])) {
        try NumPy.decodeArray(data)
    }
    #expect(throws: NumPyFormatError.badMagic(found: Array("PK\u{3}\u{4}".utf8))) {
        try NumPy.decodeArray(Data("PK\u{3}\u{4}".utf8))
    }
}

@Test("format versions other than 1.0, 2.0 and 3.0 are rejected by number")
func unsupportedVersion() throws {
    var data = try fixtureData("float64_2d.npy")
    data[data.startIndex + 6] = 4
    #expect(throws: NumPyFormatError.unsupportedVersion(major: 4, minor: 0)) { try NumPy.decodeArray(data) }
    data[data.startIndex + 6] = 1
    data[data.startIndex + 7] = 1
    #expect(throws: NumPyFormatError.unsupportedVersion(major: 1, minor: 1)) { try NumPy.decodeArray(data) }
}

@Test("a header claiming shape (100000000000,) over 16 bytes of data throws before allocating")
func lyingShapeThrowsWithoutAllocating() throws {
    // Allocating 800 GB first would abort the test process instead of throwing.
    let data = handMadeArrayFile(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000,), }\n",
                                 payload: littleEndianBytes([1, 2]))
    #expect(throws: NumPyFormatError.dataLengthMismatch(expectedBytes: 800_000_000_000, actualBytes: 16)) {
        try NumPy.decodeArray(data)
    }
}

@Test("a shape whose element or byte count overflows Int is an invalid shape, not a trap")
func overflowingShape() throws {
    let elements = handMadeArrayFile(
        header: "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }\n")
    #expect(throws: NumPyFormatError.invalidShape([4_611_686_018_427_387_904, 4],
                                                  reason: "the element count overflows a 64-bit integer")) {
        try NumPy.decodeArray(elements)
    }
    let bytes = handMadeArrayFile(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,), }\n")
    #expect(throws: NumPyFormatError.invalidShape([4_611_686_018_427_387_904],
                                                  reason: "the byte count overflows a 64-bit integer")) {
        try NumPy.decodeArray(bytes)
    }
}

@Test("a zero dimension makes the array empty even when the other dimensions would overflow")
func zeroDimensionBeatsOverflow() throws {
    let data = handMadeArrayFile(
        header: "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4611686018427387904, 4), }\n")
    let tensor = try NumPy.decodeArray(data)
    #expect(tensor.shape == [0, 4_611_686_018_427_387_904, 4])
    #expect(tensor.scalars.isEmpty)
}

@Test("a negative dimension is an invalid shape")
func negativeDimension() throws {
    let data = handMadeArrayFile(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, -1), }\n")
    #expect(throws: NumPyFormatError.invalidShape([2, -1], reason: "a dimension is negative")) {
        try NumPy.decodeArray(data)
    }
}

@Test("a header that is not a dict is unparsable, saying what it is instead")
func nonDictionaryHeader() throws {
    let list = handMadeArrayFile(header: "['<f8', False, (2,)]\n", payload: littleEndianBytes([1, 2]))
    #expect(unparsableReason(list) == "the header is a list, not a dict")
    let garbage = handMadeArrayFile(header: "descr = '<f8'\n", payload: littleEndianBytes([1, 2]))
    #expect(unparsableReason(garbage) == "unexpected name 'descr' at character 0")
}

@Test("header dicts with missing, extra, duplicate or mistyped keys are rejected with the key named", arguments: [
    ("{'descr': '<f8', 'shape': (2,), }", "missing key 'fortran_order'"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'order': 'C'}", "unexpected key 'order'"),
    ("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", "key 'descr' appears twice"),
    ("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}", "'fortran_order' is an integer, expected True or False"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': [2]}", "'shape' is a list, expected a tuple of integers"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (2)}", "'shape' is an integer, expected a tuple of integers"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': ('2',)}", "'shape' holds a string, expected integers only"),
    ("{'descr': 8, 'fortran_order': False, 'shape': (2,)}", "'descr' is an integer, expected a string such as '<f8'"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (2,", "unexpected end of header, expected ')' at character 54"),
    ("{1: '<f8'}", "a dict key is an integer, not a string"),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}",
     "integer does not fit in 64 bits at character 51"),
])
func malformedHeaderDictionaries(header: String, reason: String) throws {
    #expect(unparsableReason(handMadeArrayFile(header: header + "\n", payload: littleEndianBytes([1, 2]))) == reason)
}

@Test("nesting deeper than 32 levels is refused instead of exhausting the stack")
func deeplyNestedHeader() throws {
    let header = String(repeating: "(", count: 100_000) + String(repeating: ")", count: 100_000)
    let data = handMadeArrayFile(header: header, major: 2)
    // NumPy's 10 000-byte cap refuses this header unread; past the cap, the parser's depth limit holds.
    #expect(throws: NumPyLimitError.headerTooLarge(member: nil, bytes: 200_000, limit: 10_000)) { try NumPy.decodeArray(data) }
    #expect(unparsableReason(data, maximumHeaderBytes: 200_000) == "literal nested deeper than 32 levels at character 32")
}

@Test("unknown dtypes are rejected by their descriptor", arguments: ["<c16", "<U5", "|O", "<f2", "<M8[ns]", "|V8", "<i16", "f8x"])
func unknownDataTypes(descriptor: String) throws {
    let data = handMadeArrayFile(header: "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': (2,), }\n",
                                 payload: littleEndianBytes([1, 2]))
    #expect(throws: NumPyFormatError.unsupportedDataType(descriptor)) { try NumPy.decodeArray(data) }
}

@Test("a structured dtype (a list of fields) is an unsupported dtype")
func structuredDataType() throws {
    let data = handMadeArrayFile(header: "{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (2,), }\n",
                                 payload: littleEndianBytes([1, 2]))
    #expect(throws: NumPyFormatError.unsupportedDataType("a structured dtype (a list of fields)")) {
        try NumPy.decodeArray(data)
    }
}

@Test("a version 3.0 header that is not UTF-8 is unparsable; version 1.0 reads the same bytes as Latin-1")
func headerEncodings() throws {
    // 0xE9 is 'é' in Latin-1 and an invalid lone byte in UTF-8; it sits inside an unknown key.
    var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'caf".utf8)
    header += [0xE9] + Array("': 1}\n".utf8)
    func file(major: UInt8) -> Data {
        var data = handMadeArrayFile(header: "", major: major)
        let lengthBytes: [UInt8] = major == 1 ? [UInt8(header.count), 0] : [UInt8(header.count), 0, 0, 0]
        data.replaceSubrange((data.startIndex + 8)..<data.endIndex, with: lengthBytes + header + littleEndianBytes([1, 2]))
        return data
    }
    #expect(unparsableReason(file(major: 3)) == "a version 3.0 header must be UTF-8")
    #expect(unparsableReason(file(major: 1)) == "unexpected key 'café'")
}

@Test("Python 2 'L' suffixes, double quotes and a missing trailing comma are accepted as NumPy accepts them")
func lenientHeaderSyntax() throws {
    let data = handMadeArrayFile(header: "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2L,)}",
                                 payload: littleEndianBytes([1.5, -2]))
    #expect(try NumPy.decodeArray(data) == Tensor([1.5, -2]))
}

@Test("a Fortran-order array given by hand is transposed: column-major [1, 4, 2, 5, 3, 6] is [[1, 2, 3], [4, 5, 6]]")
func handMadeFortranOrder() throws {
    let data = handMadeArrayFile(header: "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }\n",
                                 payload: littleEndianBytes([1, 4, 2, 5, 3, 6]))
    #expect(try NumPy.decodeArray(data) == Tensor([[1, 2, 3], [4, 5, 6]]))
}

@Test("every error message names the problem in words")
func errorDescriptions() {
    #expect(NumPyFormatError.dataLengthMismatch(expectedBytes: 800, actualBytes: 16).description
            == "data length mismatch: header says 800 bytes, file has 16")
    #expect(NumPyFormatError.unsupportedDataType("<c16").description.hasPrefix("unsupported dtype '<c16'"))
    #expect(NumPyFormatError.unsupportedVersion(major: 4, minor: 0).description.contains("version 4.0"))
    #expect(NumPyFormatError.invalidArchiveMember(name: "w.npy", error: .unsupportedDataType("<c16")).description
            .hasPrefix("archive member 'w.npy': unsupported dtype '<c16'"))
}
