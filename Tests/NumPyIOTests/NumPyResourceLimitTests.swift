// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import NumPyIO
import Testing
import TensorCore
#if canImport(Glibc)
import Glibc
#endif

// Hostile inputs built in the tests themselves, small on disk: deflate bombs, shared and
// overlapping ZIP entries, oversized headers. Each must end in a typed error in bounded time
// and memory, checked from the headers before the claimed sizes are allocated.

/// Length-1 matches of 258 zero bytes that make a member inflate to ≥ 1 GiB (≈ 1.04 MB deflated).
private let gibibyteMatches = (1 << 30) / 258 + 1

/// A `.npy` header (no data) for `count` elements of dtype `|u1`.
private func byteArrayHeader(count: Int) -> Data {
    handMadeArrayFile(header: "{'descr': '|u1', 'fortran_order': False, 'shape': (\(count),), }\n")
}

/// A deflated member `name.npy` whose stream holds a `.npy` header for `headerCount` bytes and
/// then inflates to 1 + 258·`gibibyteMatches` zero bytes; the ZIP headers record `declaredSize`
/// (the true inflated size when nil). Its CRC-32 is left at 0: the reader must fail before it matters.
private func bombMember(name: String, headerCount: Int, declaredSize: Int? = nil) -> HandMadeZIPMember {
    let header = byteArrayHeader(count: headerCount)
    let stream = deflateBomb(prefix: header, matches: gibibyteMatches)
    return HandMadeZIPMember(name: name, contents: stream, method: 8,
                             declaredSize: declaredSize ?? header.count + 1 + 258 * gibibyteMatches, checksum: 0)
}

/// The trueInflatedCount of the bomb's data: one literal zero then 258-byte matches.
private let bombDataCount = 1 + 258 * gibibyteMatches

/// Peak resident set size of this process so far, in bytes (Linux reports KiB).
private func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}

/// Runs `body` and returns its wall time in seconds.
private func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

@Test("the hand-made deflate bomb is valid deflate: a 1000-match one decodes to 258 001 zeros; the 1 GiB one is about 1 MB")
func deflateBombIsValidDeflate() throws {
    let count = 1 + 258 * 1000
    let header = byteArrayHeader(count: count)
    let stream = deflateBomb(prefix: header, matches: 1000)
    let zip = handMadeZIP([.init(name: "small.npy", contents: stream, method: 8, declaredSize: header.count + count,
                                 checksum: crc32(header + Data(count: count)))])
    let tensor = try NumPyArchiveReader(data: zip).array(named: "small")
    #expect(tensor.shape == [count])
    #expect(tensor.scalars.allSatisfy { $0 == 0 })
    #expect(stream.count < 400)
    let big = bombMember(name: "bomb.npy", headerCount: bombDataCount)
    #expect(big.contents.count < 1_100_000)
    #expect(bombDataCount >= 1 << 30)
}

@Test("a deflate bomb whose directory records its 1 GiB is refused by the budget before inflating, in under 2 s")
func honestBombRefusedByBudget() throws {
    let zip = handMadeZIP([bombMember(name: "bomb.npy", headerCount: bombDataCount)])
    let budget = 512 << 20
    let before = peakResidentBytes()
    let elapsed = seconds {
        #expect(throws: NumPyLimitError.exceedsBudget(
            member: "bomb.npy", bytes: byteArrayHeader(count: bombDataCount).count + bombDataCount, budget: budget)) {
            try NumPy.decodeArchive(zip, limits: NumPyReadLimits(maximumBytes: budget))
        }
    }
    #expect(elapsed < 2)
    #expect(peakResidentBytes() - before < 256 << 20)
}

@Test("a bomb whose directory understates its size stops inflating at the declared size, in under 2 s and 256 MB")
func understatedBombStopsAtDeclaredSize() throws {
    // Header and directory agree on 100 data bytes; the stream goes on for 1 GiB.
    let header = byteArrayHeader(count: 100)
    let zip = handMadeZIP([bombMember(name: "bomb.npy", headerCount: 100, declaredSize: header.count + 100)])
    let before = peakResidentBytes()
    let elapsed = seconds {
        #expect(throws: NumPyFormatError.corruptArchiveMember(
            name: "bomb.npy", reason: "it inflates to more than the \(header.count + 100) bytes the directory records")) {
            try NumPy.decodeArchive(zip, limits: NumPyReadLimits(maximumBytes: Int.max))
        }
    }
    #expect(elapsed < 2)
    #expect(peakResidentBytes() - before < 256 << 20)
}

@Test("a member whose .npy header claims more than the ZIP directory records is a size mismatch, before inflating")
func headerDisagreesWithDirectory() throws {
    let header = byteArrayHeader(count: bombDataCount)
    let zip = handMadeZIP([bombMember(name: "bomb.npy", headerCount: bombDataCount, declaredSize: header.count + 100)])
    let elapsed = seconds {
        #expect(throws: NumPyFormatError.archiveMemberSizeMismatch(
            name: "bomb.npy", declaredBytes: header.count + 100, headerBytes: header.count + bombDataCount,
            source: ".npy header (shape [\(bombDataCount)], dtype '|u1')")) {
            try NumPy.decodeArchive(zip, limits: NumPyReadLimits(maximumBytes: Int.max))
        }
    }
    #expect(elapsed < 2)
}

@Test("a bomb in a member nobody asks for costs nothing: the other key reads, the bomb is refused when asked for")
func unusedBombIsNeverInflated() throws {
    let weights = try Tensor([[1, 2], [3, 4]])
    let zip = handMadeZIP([
        bombMember(name: "unused.npy", headerCount: bombDataCount),
        .init(name: "w.npy", contents: NumPy.encodeArray(weights)),
    ])
    let limits = NumPyReadLimits(maximumBytes: 64 << 20)
    let before = peakResidentBytes()
    let elapsed = try seconds {
        let reader = try NumPyArchiveReader(data: zip, limits: limits)
        #expect(reader.names == ["unused", "w"])
        #expect(try reader.array(named: "w") == weights)
        #expect(throws: NumPyLimitError.self) { try reader.array(named: "unused") }
        #expect(throws: NumPyLimitError.self) { try reader.readAll() }
    }
    #expect(elapsed < 2)
    #expect(peakResidentBytes() - before < 256 << 20)
}

/// A ZIP whose central directory lists `names`, every entry pointing at the one local header
/// and stored data of `contents` (written once, under the first name).
private func zipSharingOneMember(names: [String], contents: Data) -> Data {
    var single = handMadeZIP([.init(name: names[0], contents: contents)])
    // handMadeZIP writes: local header + data, one central record, end record.
    let endRecord = single.suffix(22)
    single.removeLast(22)
    let localLength = 30 + names[0].utf8.count + contents.count
    let centralRecord = single.suffix(from: single.startIndex + localLength)
    var archive = Data(single.prefix(localLength))
    var directory = Data()
    for name in names {
        var record = Data(centralRecord.prefix(46))
        let nameLength = UInt16(name.utf8.count)
        record[28] = UInt8(nameLength & 0xFF)
        record[29] = UInt8(nameLength >> 8)
        record.append(contentsOf: name.utf8)
        directory.append(record)
    }
    archive.append(directory)
    var end = Data(endRecord)
    func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { end.replaceSubrange(offset..<(offset + $0.count), with: $0) }
    }
    put(UInt16(names.count), at: 8)
    put(UInt16(names.count), at: 10)
    put(UInt32(directory.count), at: 12)
    return archive + end
}

@Test("eight directory entries sharing one stored member are refused as overlapping when the archive is opened")
func sharedMemberEntries() throws {
    let names = (0..<8).map { "m\($0).npy" }
    let zip = zipSharingOneMember(names: names, contents: NumPy.encodeArray(try Tensor.zeros([1000])))
    #expect(throws: NumPyFormatError.overlappingArchiveMembers(first: "m0.npy", second: "m1.npy")) {
        try NumPyArchiveReader(data: zip)
    }
    // One entry alone is a valid archive: the refusal is about the sharing.
    #expect(try NumPyArchiveReader(data: zipSharingOneMember(names: ["m0.npy"], contents: NumPy.encodeArray(try Tensor.zeros([1000]))))
        .array(named: "m0") == (try Tensor.zeros([1000])))
}

@Test("an entry whose data runs into the next member's local header is refused as overlapping")
func partiallyOverlappingEntries() throws {
    var zip = handMadeZIP([
        .init(name: "a.npy", contents: NumPy.encodeArray(Tensor([1, 2]))),
        .init(name: "b.npy", contents: NumPy.encodeArray(Tensor([3, 4]))),
    ])
    // Directory entry of a.npy: enlarge its compressed size by 8 bytes (now it covers b's header).
    let directoryOffset = Int(zip[zip.count - 6]) | Int(zip[zip.count - 5]) << 8
    let field = directoryOffset + 20
    let size = Int(zip[field]) | Int(zip[field + 1]) << 8
    zip[field] = UInt8((size + 8) & 0xFF)
    zip[field + 1] = UInt8((size + 8) >> 8)
    #expect(throws: NumPyFormatError.overlappingArchiveMembers(first: "a.npy", second: "b.npy")) {
        try NumPyArchiveReader(data: zip)
    }
}

@Test("a local header naming another file than the directory entry is refused")
func localHeaderNameMismatch() throws {
    var zip = handMadeZIP([.init(name: "a.npy", contents: NumPy.encodeArray(Tensor([1])))])
    zip[30] = UInt8(ascii: "z")  // local name "z.npy"
    #expect(throws: NumPyFormatError.inconsistentArchiveMember(name: "a.npy", reason: "the local header names 'z.npy'")) {
        try NumPyArchiveReader(data: zip)
    }
}

@Test("a .npy whose header length field claims 384 MB is refused from the length field, naming the size")
func hugeHeaderLength() throws {
    var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0])
    withUnsafeBytes(of: UInt32(384_000_000).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: Array("{'descr': '<f8', ".utf8))
    #expect(throws: NumPyLimitError.headerTooLarge(member: nil, bytes: 384_000_000, limit: 10_000)) {
        try NumPy.decodeArray(data)
    }
    let zip = handMadeZIP([.init(name: "h.npy", contents: data)])
    #expect(throws: NumPyLimitError.headerTooLarge(member: "h.npy", bytes: 384_000_000, limit: 10_000)) {
        try NumPy.decodeArchive(zip)
    }
    let message = NumPyLimitError.headerTooLarge(member: nil, bytes: 384_000_000, limit: 10_000).description
    #expect(message.contains("384000000") && message.contains("10000"))
}

@Test("a header of exactly 10 000 bytes is read as NumPy reads it, one of 10 001 bytes is refused")
func headerCapBoundary() throws {
    let dictionary = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"
    func file(headerLength: Int) -> Data {
        let padded = dictionary + String(repeating: " ", count: headerLength - dictionary.utf8.count - 1) + "\n"
        return handMadeArrayFile(header: padded, payload: littleEndianBytes([1.5, -2]), major: 2)
    }
    #expect(try NumPy.decodeArray(file(headerLength: 10_000)) == Tensor([1.5, -2]))
    #expect(throws: NumPyLimitError.headerTooLarge(member: nil, bytes: 10_001, limit: 10_000)) {
        try NumPy.decodeArray(file(headerLength: 10_001))
    }
}

@Test("the budget covers the sum of the requested members: each alone fits, both together are refused before decoding")
func budgetSumsRequestedMembers() throws {
    let a = try Tensor.zeros([1000]), b = try Tensor.ones([1000])
    let (npyA, npyB) = (NumPy.encodeArray(a), NumPy.encodeArray(b))
    let zip = try NumPy.encodeArchive(NumPyArchive(["a": a, "b": b]))
    let costA = npyA.count + 8000, costB = npyB.count + 8000
    let reader = try NumPyArchiveReader(data: zip, limits: NumPyReadLimits(maximumBytes: costA + costB - 1))
    #expect(try reader.array(named: "a") == a)
    #expect(try reader.array(named: "b") == b)
    #expect(throws: NumPyLimitError.exceedsBudget(member: "b.npy", bytes: costB, budget: costB - 1)) {
        try reader.arrays(named: ["a", "b"])
    }
    let exact = try NumPyArchiveReader(data: zip, limits: NumPyReadLimits(maximumBytes: costA + costB))
    #expect(try exact.arrays(named: ["b", "a"]) == ["a": a, "b": b])
    #expect(throws: NumPyFormatError.missingArchiveMember(name: "c", available: ["a", "b"])) { try exact.array(named: "c") }
}

@Test("a plain .npy over the budget is refused from its header with the tensor's size")
func arrayOverBudget() throws {
    let data = NumPy.encodeArray(try Tensor.zeros([100]))
    #expect(throws: NumPyLimitError.exceedsBudget(member: nil, bytes: 800, budget: 799)) {
        try NumPy.decodeArray(data, limits: NumPyReadLimits(maximumBytes: 799))
    }
    #expect(try NumPy.decodeArray(data, limits: NumPyReadLimits(maximumBytes: 800)) == (try Tensor.zeros([100])))
}

@Test("a repeated member name is refused when the archive is opened, before any member is read")
func duplicateNamesAtOpen() throws {
    let zip = handMadeZIP([
        .init(name: "w.npy", contents: NumPy.encodeArray(Tensor([1]))),
        bombMember(name: "w.npy", headerCount: bombDataCount),
    ])
    #expect(throws: NumPyFormatError.duplicateArchiveMember(name: "w")) { try NumPyArchiveReader(data: zip) }
}

@Test("a FIFO or a directory given as input is refused by kind before it is opened")
func nonRegularInputs() throws {
    let directory = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let fifo = directory.appendingPathComponent("input.npy")
    #expect(mkfifo(fifo.path, 0o600) == 0)
    #expect(throws: NumPyFileError.notRegularFile(path: fifo.path, kind: "a FIFO")) { try NumPy.readArray(from: fifo) }
    #expect(throws: NumPyFileError.notRegularFile(path: directory.path, kind: "a directory")) {
        try NumPyArchiveReader(contentsOf: directory)
    }
    let missing = directory.appendingPathComponent("missing.npz")
    #expect(throws: NumPyFileError.cannotRead(path: missing.path, reason: "No such file or directory")) {
        try NumPy.readArchive(from: missing)
    }
}

@Test("a 1 GiB input file is memory-mapped, not read into memory: its length mismatch costs no 1 GiB of RSS")
func largeFilesAreMapped() throws {
    let directory = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("sparse.npy")
    // A valid header for 2 doubles, then a sparse (hole-filled) tail up to 1 GiB.
    try handMadeArrayFile(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n").write(to: url)
    let handle = try FileHandle(forWritingTo: url)
    try handle.truncate(atOffset: 1 << 30)
    try handle.close()
    let headerLength = handMadeArrayFile(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n").count
    let before = peakResidentBytes()
    #expect(throws: NumPyFormatError.dataLengthMismatch(expectedBytes: 16, actualBytes: (1 << 30) - headerLength)) {
        try NumPy.readArray(from: url)
    }
    #expect(peakResidentBytes() - before < 256 << 20)
}
