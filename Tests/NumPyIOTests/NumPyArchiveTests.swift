// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import NumPyIO
import Testing
import TensorCore

/// The archive `make_fixtures.py` saves with both np.savez and np.savez_compressed.
private func expectedNumPyArchive() throws -> NumPyArchive {
    try NumPyArchive([
        "weights": Tensor(shape: [2, 3], scalars: (0..<6).map { Double($0) / 4 }),
        "bias": Tensor([0.5, -0.5]),
        "step": Tensor(3.0),
        "counts": Tensor([1, 2, 3]),
        "transposed": Tensor(shape: [3, 2], scalars: (0..<6).map(Double.init)),
    ])
}

private func sampleArchive() throws -> NumPyArchive {
    try NumPyArchive([
        "matrix": Tensor([[1, 2, 3], [4, 5, 6]]),
        "scalar": Tensor(-0.0),
        "empty": Tensor(shape: [0, 4], scalars: []),
        "cube": Tensor(shape: [2, 2, 2], scalars: [.nan, .infinity, -.infinity, .leastNonzeroMagnitude * 3, 0, 1, 2, 3]),
    ])
}

private func bitPatterns(_ archive: NumPyArchive) -> [String: [UInt64]] {
    Dictionary(uniqueKeysWithValues: archive.map { ($0.name, $0.tensor.scalars.map(\.bitPattern)) })
}

@Test("archives from np.savez and np.savez_compressed read back in member order with exact values",
      arguments: ["savez.npz", "savez_compressed.npz"])
func numpyArchives(fixture: String) throws {
    let archive = try NumPy.readArchive(from: fixtureURL(fixture))
    #expect(archive.names == ["weights", "bias", "step", "counts", "transposed"])
    #expect(archive == (try expectedNumPyArchive()))
    #expect(archive["step"]?.shape == [])
    #expect(archive["missing"] == nil)
}

@Test("stored and compressed archives round-trip every tensor bit for bit, in order", arguments: [false, true])
func archiveRoundTrip(compressed: Bool) throws {
    let original = try sampleArchive()
    let decoded = try NumPy.decodeArchive(NumPy.encodeArchive(original, compressed: compressed))
    #expect(decoded.names == ["matrix", "scalar", "empty", "cube"])
    #expect(decoded.map(\.tensor.shape) == original.map(\.tensor.shape))
    #expect(bitPatterns(decoded) == bitPatterns(original))
}

@Test("a compressed archive of zeros is smaller than the stored one and decodes to the same arrays")
func compressionShrinksRedundantData() throws {
    let archive = try NumPyArchive(["zeros": Tensor.zeros([100, 100])])
    let stored = try NumPy.encodeArchive(archive)
    let compressed = try NumPy.encodeArchive(archive, compressed: true)
    #expect(stored.count > 80_000)
    #expect(compressed.count < stored.count / 10)
    #expect(try NumPy.decodeArchive(compressed) == archive)
    #expect(try NumPy.decodeArchive(stored) == archive)
}

@Test("encoding the same arrays twice gives identical bytes")
func archiveEncodingIsDeterministic() throws {
    let archive = try sampleArchive()
    #expect(try NumPy.encodeArchive(archive) == NumPy.encodeArchive(archive))
    #expect(try NumPy.encodeArchive(archive, compressed: true) == NumPy.encodeArchive(archive, compressed: true))
}

@Test("writeArchive with a literal keeps the written order and readArchive finds each array by name")
func archiveFileRoundTrip() throws {
    let directory = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("model.npz")
    let b = Tensor([0.5, 0.25])
    let w = try Tensor([[1, 2], [3, 4]])
    try NumPy.writeArchive(["b": b, "w": w, "a": Tensor(7)], to: url, compressed: true)
    let archive = try NumPy.readArchive(from: url)
    #expect(archive.names == ["b", "w", "a"])
    #expect(archive["w"] == w)
    #expect(archive["b"] == b)
    #expect(archive[2].name == "a")
    #expect(archive[2].tensor == Tensor(7))
}

@Test("ZIP64 end records and extra fields (as for archives over 4 GiB) are followed to the members")
func zip64Archive() throws {
    let first = try Tensor([[1, 2], [3, 4]])
    let second = Tensor([-0.5])
    let zip = handMadeZIP([
        .init(name: "first.npy", contents: NumPy.encodeArray(first)),
        .init(name: "second.npy", contents: NumPy.encodeArray(second)),
    ], zip64: true)
    #expect(try NumPy.decodeArchive(zip) == NumPyArchive(["first": first, "second": second]))
}

@Test("a repeated name is a duplicate-member error, both when building and when reading an archive")
func duplicateNames() throws {
    #expect(throws: NumPyFormatError.duplicateArchiveMember(name: "w")) {
        try NumPyArchive(["w": Tensor(1), "v": Tensor(2), "w": Tensor(3)])
    }
    let npy = NumPy.encodeArray(Tensor([1]))
    let zip = handMadeZIP([.init(name: "w.npy", contents: npy), .init(name: "w.npy", contents: npy)])
    #expect(throws: NumPyFormatError.duplicateArchiveMember(name: "w")) { try NumPy.decodeArchive(zip) }
}

@Test("a corrupted byte inside a stored member is caught by its CRC-32 and reported with the member's name")
func corruptedStoredMember() throws {
    var data = try fixtureData("savez.npz")
    // Local header (30 B) + "weights.npy" (11 B) + ZIP64 extra (20 B) + 128 B of .npy header: first data byte.
    data[data.startIndex + 30 + 11 + 20 + 128] ^= 0x40
    let error = #expect(throws: NumPyFormatError.self) { try NumPy.decodeArchive(data) }
    guard case let .corruptArchiveMember(name, reason)? = error else {
        Issue.record("expected corruptArchiveMember, got \(String(describing: error))")
        return
    }
    #expect(name == "weights.npy")
    #expect(reason.hasPrefix("CRC-32 mismatch"))
}

@Test("a damaged deflate stream is a corrupt member, whatever the damage")
func corruptedDeflatedMember() throws {
    let original = try fixtureData("savez_compressed.npz")
    var corrupted = 0
    // Overwrite four bytes at several places inside the first member's deflate data.
    for offset in stride(from: 70, to: 150, by: 8) {
        var data = original
        for k in 0..<4 { data[data.startIndex + offset + k] = 0xFF }
        do {
            _ = try NumPy.decodeArchive(data)
        } catch NumPyFormatError.corruptArchiveMember(name: "weights.npy", reason: _) {
            corrupted += 1
        }
    }
    #expect(corrupted == 10)
}

@Test("bytes that are not a ZIP archive, or an archive cut short, are an invalid archive")
func notAnArchive() throws {
    let npy = try fixtureData("float64_2d.npy")
    #expect(throws: NumPyFormatError.invalidArchive(reason: "no end-of-central-directory record (not a ZIP file, or truncated)")) {
        try NumPy.decodeArchive(npy)
    }
    let archive = try fixtureData("savez.npz")
    #expect(throws: NumPyFormatError.invalidArchive(reason: "no end-of-central-directory record (not a ZIP file, or truncated)")) {
        try NumPy.decodeArchive(archive.dropLast(30))
    }
    #expect(throws: NumPyFormatError.invalidArchive(reason: "only 3 bytes, too short for a ZIP end-of-central-directory record")) {
        try NumPy.decodeArchive(Data([1, 2, 3]))
    }
}

@Test("an end record pointing past the data is an invalid archive, not an out-of-range read")
func directoryOutOfBounds() throws {
    var data = handMadeZIP([.init(name: "w.npy", contents: NumPy.encodeArray(Tensor([1])))])
    // The central directory's offset is the end record's bytes 16…19.
    let offsetField = data.count - 22 + 16
    data.replaceSubrange((data.startIndex + offsetField)..<(data.startIndex + offsetField + 4), with: [0xF0, 0xFF, 0xFF, 0x7F])
    let error = #expect(throws: NumPyFormatError.self) { try NumPy.decodeArchive(data) }
    guard case .invalidArchive? = error else {
        Issue.record("expected invalidArchive, got \(String(describing: error))")
        return
    }
}

@Test("a member that is not a .npy file is named in the error")
func unexpectedMember() throws {
    let zip = handMadeZIP([
        .init(name: "w.npy", contents: NumPy.encodeArray(Tensor([1]))),
        .init(name: "notes.txt", contents: Data("hello".utf8)),
    ])
    #expect(throws: NumPyFormatError.unexpectedArchiveMember(name: "notes.txt")) { try NumPy.decodeArchive(zip) }
}

@Test("a .npy member with bad contents wraps the array error with the member's name")
func invalidMemberContents() throws {
    let zip = handMadeZIP([.init(name: "w.npy", contents: Data("not numpy".utf8))])
    #expect(throws: NumPyFormatError.invalidArchiveMember(
        name: "w.npy", error: .badMagic(found: Array("not nump".utf8)))) {
        try NumPy.decodeArchive(zip)
    }
}

@Test("unsupported compression methods and encrypted members are corrupt members with the reason given")
func unsupportedMemberEncodings() throws {
    let npy = NumPy.encodeArray(Tensor([1]))
    #expect(throws: NumPyFormatError.corruptArchiveMember(
        name: "w.npy", reason: "compression method 12 is not supported (only stored and deflate)")) {
        try NumPy.decodeArchive(handMadeZIP([.init(name: "w.npy", contents: npy, method: 12)]))
    }
    #expect(throws: NumPyFormatError.corruptArchiveMember(name: "w.npy", reason: "encrypted members are not supported")) {
        try NumPy.decodeArchive(handMadeZIP([.init(name: "w.npy", contents: npy, flags: 1)]))
    }
}

@Test("random corruption of .npz and .npy bytes never traps or hangs: each variant decodes or throws a typed NumPyIO error")
func randomCorruptionIsAlwaysReported() throws {
    var generator = SeededGenerator(seed: 20_240_601)
    let originals = [try fixtureData("savez.npz"), try fixtureData("savez_compressed.npz"), try fixtureData("fortran_3d.npy")]
    var otherErrors: [String] = []
    for variant in 0..<600 {
        var data = originals[variant % originals.count]
        if variant % 5 == 0 {
            data = data.prefix(generator.nextIndex(below: data.count))
        } else {
            for _ in 0...(variant % 4) {
                data[data.startIndex + generator.nextIndex(below: data.count)] = UInt8(truncatingIfNeeded: generator.next())
            }
        }
        do {
            if variant % originals.count == 2 {
                _ = try NumPy.decodeArray(data)
            } else {
                _ = try NumPy.decodeArchive(data)
            }
        } catch is NumPyFormatError {
        } catch is NumPyLimitError {
        } catch {
            otherErrors.append("variant \(variant): \(error)")
        }
    }
    #expect(otherErrors.isEmpty)
}
