// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import Testing

/// The bytes of a fixture written by `Fixtures/make_fixtures.py`.
func fixtureData(_ name: String) throws -> Data {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
                           "missing fixture \(name); run Fixtures/make_fixtures.py")
    return try Data(contentsOf: url)
}

/// The URL of a fixture written by `Fixtures/make_fixtures.py`.
func fixtureURL(_ name: String) throws -> URL {
    try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
                 "missing fixture \(name); run Fixtures/make_fixtures.py")
}

/// A hand-made `.npy` file: magic, version, length field of the right width, `header`
/// verbatim (no padding added), then `payload`.
func handMadeArrayFile(header: String, payload: [UInt8] = [], major: UInt8 = 1) -> Data {
    var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0])
    let headerBytes = Array(header.utf8)
    if major == 1 {
        withUnsafeBytes(of: UInt16(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
    } else {
        withUnsafeBytes(of: UInt32(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
    }
    data.append(contentsOf: headerBytes)
    data.append(contentsOf: payload)
    return data
}

/// The little-endian bytes of `values` as float64.
func littleEndianBytes(_ values: [Double]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}

/// A fresh empty directory under the system temporary directory, removed by `body`'s caller via `defer`.
func makeScratchDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("NumPyIOTests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
