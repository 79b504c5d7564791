// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import NumPyIO
import Testing
import TensorCore

@Test("encode then decode returns the same shape and scalars for ranks 0 through 4", arguments: [
    [], [5], [3, 4], [2, 3, 4], [2, 1, 3, 2],
])
func roundTripPreservesShapeAndScalars(shape: [Int]) throws {
    let count = shape.reduce(1, *)
    let tensor = try Tensor(shape: shape, scalars: (0..<count).map { Double($0) * 0.375 - 2.5 })
    let decoded = try NumPy.decodeArray(NumPy.encodeArray(tensor))
    #expect(decoded == tensor)
}

@Test("empty arrays keep their shape through a round trip", arguments: [[0], [2, 0], [0, 3], [2, 0, 3]])
func emptyArraysRoundTrip(shape: [Int]) throws {
    let tensor = try Tensor(shape: shape, scalars: [])
    let decoded = try NumPy.decodeArray(NumPy.encodeArray(tensor))
    #expect(decoded.shape == shape)
    #expect(decoded.scalars.isEmpty)
}

@Test("NaN payloads, infinities, −0.0 and subnormals survive a round trip bit for bit")
func specialValuesAreBitExact() throws {
    let values: [Double] = [
        .nan, -.nan, Double(nan: 0x1234, signaling: false), .signalingNaN, .infinity, -.infinity,
        -0.0, 0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude, .pi,
    ]
    let decoded = try NumPy.decodeArray(NumPy.encodeArray(Tensor(values)))
    #expect(decoded.scalars.map(\.bitPattern) == values.map(\.bitPattern))
}

@Test("the encoded header is version 1.0, dtype '<f8', C order, and the data starts at a multiple of 64")
func encodedLayoutMatchesNumPyConventions() throws {
    for shape in [[], [7], [123456, 1], [2, 0, 5]] {
        let count = shape.reduce(1, *)
        let data = NumPy.encodeArray(try Tensor(shape: shape, scalars: Array(repeating: 1, count: count)))
        let bytes = [UInt8](data)
        #expect(Array(bytes[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(bytes[10 + headerLength - 1] == UInt8(ascii: "\n"))
        #expect(data.count == 10 + headerLength + 8 * count)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': "))
    }
}

@Test("a header longer than 65535 bytes is written as version 2.0 and reads back once the header cap allows it")
func hugeHeaderUsesVersion2() throws {
    // 25 000 unit dimensions print as "1, " each: about 75 kB of header for one element.
    let shape = Array(repeating: 1, count: 25_000)
    let tensor = try Tensor(shape: shape, scalars: [4.5])
    let data = NumPy.encodeArray(tensor)
    #expect([UInt8](data.prefix(8)) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0])
    let headerLength = data.dropFirst(8).prefix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    #expect((12 + headerLength) % 64 == 0)
    // NumPy itself needs max_header_size raised for this file; so does this reader.
    #expect(throws: NumPyLimitError.headerTooLarge(member: nil, bytes: headerLength, limit: 10_000)) { try NumPy.decodeArray(data) }
    #expect(try NumPy.decodeArray(data, limits: NumPyReadLimits(maximumBytes: 1 << 20, maximumHeaderBytes: 100_000)) == tensor)
}

@Test("writeArray then readArray round-trips through a file")
func fileRoundTrip() throws {
    let directory = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("weights.npy")
    let tensor = try Tensor([[1, -2, 3], [0.25, .infinity, -0.0]])
    try NumPy.writeArray(tensor, to: url)
    let decoded = try NumPy.readArray(from: url)
    #expect(decoded.shape == tensor.shape)
    #expect(decoded.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern))
}
