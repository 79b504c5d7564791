// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import ZIPFoundation

/// A file inside a ZIP archive, as its central-directory record describes it.
struct ZIPMember: Equatable, Sendable {
    let name: String
    let compressionMethod: UInt16
    let flags: UInt16
    let checksum: UInt32
    let compressedSize: Int
    let uncompressedSize: Int
    let localHeaderOffset: Int
    /// Offset of the first stored byte, after the local header; set once that header is read.
    var dataOffset = 0

    var isEncrypted: Bool { flags & 1 != 0 }
    /// General-purpose flag bit 3: sizes and CRC follow the data instead of filling the local header.
    var hasDataDescriptor: Bool { flags & 8 != 0 }
}

/// A bounds-checked reader of the ZIP container (PKWARE APPNOTE §4.3), ZIP64 included:
///
///     [local header 30 B + name + extra][data] …  central directory (46 B + name + extra + comment) …
///     [ZIP64 end record 56 B][ZIP64 locator 20 B]  end-of-central-directory record 22 B + comment
///
/// Members are located through the central directory; every offset and size is checked
/// against the bytes present before it is used. Opening reads the directory and each
/// local header only: entries whose local header and data overlap another's (a way to
/// make one stored member count many times) and local headers that disagree with the
/// directory are refused there, before any member is inflated. Inflating goes through ZIPFoundation's
/// zlib binding with a provider that stops at the member's compressed size, so a corrupt
/// or truncated deflate stream ends in an error instead of reading on. (ZIPFoundation's
/// own `Archive` reader is not used here: on Linux it can loop forever on a truncated
/// deflate stream and trap on out-of-range offsets in an in-memory archive.)
enum ZIPArchiveReader {
    private static let endRecordSignature: UInt32 = 0x0605_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64EndRecordSignature: UInt32 = 0x0606_4B50
    private static let centralRecordSignature: UInt32 = 0x0201_4B50
    private static let localHeaderSignature: UInt32 = 0x0403_4B50
    private static let centralRecordSize = 46
    private static let localHeaderSize = 30
    private static let endRecordSize = 22

    /// The members in central-directory order (the order they were written).
    /// - Throws: `NumPyFormatError.invalidArchive` when the container structure is damaged.
    static func members(of data: Data) throws -> [ZIPMember] {
        let reader = LittleEndianReader(data: data)
        let end = try findEndRecord(in: reader)
        guard try reader.integer(UInt16.self, at: end + 4) == 0, try reader.integer(UInt16.self, at: end + 6) == 0 else {
            throw NumPyFormatError.invalidArchive(reason: "multi-disk archives are not supported")
        }
        var entryCount = UInt64(try reader.integer(UInt16.self, at: end + 10))
        var directorySize = UInt64(try reader.integer(UInt32.self, at: end + 12))
        var directoryOffset = UInt64(try reader.integer(UInt32.self, at: end + 16))
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            let locator = end - 20
            if locator >= 0, try reader.integer(UInt32.self, at: locator) == zip64LocatorSignature {
                let record = try reader.offset(try reader.integer(UInt64.self, at: locator + 8), what: "ZIP64 end record")
                guard try reader.integer(UInt32.self, at: record) == zip64EndRecordSignature else {
                    throw NumPyFormatError.invalidArchive(reason: "the ZIP64 end record at offset \(record) has a bad signature")
                }
                entryCount = try reader.integer(UInt64.self, at: record + 32)
                directorySize = try reader.integer(UInt64.self, at: record + 40)
                directoryOffset = try reader.integer(UInt64.self, at: record + 48)
            }
        }
        let start = try reader.offset(directoryOffset, what: "central directory")
        guard directorySize <= UInt64(data.count - start) else {
            throw NumPyFormatError.invalidArchive(
                reason: "the central directory (\(directorySize) bytes at offset \(start)) runs past the end (\(data.count) bytes)")
        }
        guard entryCount <= directorySize / UInt64(centralRecordSize) else {
            throw NumPyFormatError.invalidArchive(
                reason: "\(entryCount) entries cannot fit in a \(directorySize)-byte central directory")
        }

        var members: [ZIPMember] = []
        members.reserveCapacity(Int(entryCount))
        var position = start
        for index in 0..<Int(entryCount) {
            guard try reader.integer(UInt32.self, at: position) == centralRecordSignature else {
                throw NumPyFormatError.invalidArchive(
                    reason: "central-directory entry \(index) at offset \(position) has a bad signature")
            }
            let (member, recordLength) = try centralRecord(at: position, in: reader)
            members.append(member)
            position += recordLength
        }
        var extents: [Range<Int>] = []
        extents.reserveCapacity(members.count)
        for index in members.indices {
            extents.append(try locateData(of: &members[index], in: reader, directoryStart: start))
        }
        try refuseOverlaps(extents, of: members)
        for member in members { try checkLocalHeader(of: member, in: reader) }
        return members
    }

    /// Reads the local header of `member`, sets its `dataOffset` and returns the byte range
    /// its local header and stored data occupy, which must end before the central directory.
    private static func locateData(
        of member: inout ZIPMember, in reader: LittleEndianReader, directoryStart: Int
    ) throws -> Range<Int> {
        func corrupt(_ reason: String) -> NumPyFormatError { .corruptArchiveMember(name: member.name, reason: reason) }
        let header = member.localHeaderOffset
        guard header <= directoryStart - localHeaderSize,
              try reader.integer(UInt32.self, at: header) == localHeaderSignature else {
            throw corrupt("no local header at offset \(header)")
        }
        let nameLength = Int(try reader.integer(UInt16.self, at: header + 26))
        let extraLength = Int(try reader.integer(UInt16.self, at: header + 28))
        let dataStart = header + localHeaderSize + nameLength + extraLength
        guard dataStart <= directoryStart, member.compressedSize <= directoryStart - dataStart else {
            throw corrupt("its \(member.compressedSize) bytes at offset \(dataStart) run into the central directory"
                          + " at offset \(directoryStart)")
        }
        member.dataOffset = dataStart
        return header..<(dataStart + member.compressedSize)
    }

    /// Throws `NumPyFormatError.overlappingArchiveMembers` for the first two entries whose
    /// local header + data ranges share a byte.
    private static func refuseOverlaps(_ extents: [Range<Int>], of members: [ZIPMember]) throws {
        let order = extents.indices.sorted { (extents[$0].lowerBound, $0) < (extents[$1].lowerBound, $1) }
        for (previous, next) in zip(order, order.dropFirst()) where extents[next].lowerBound < extents[previous].upperBound {
            throw NumPyFormatError.overlappingArchiveMembers(first: members[previous].name, second: members[next].name)
        }
    }

    /// The local header must repeat the directory's name and method, and its sizes unless
    /// they are deferred to a data descriptor (flag bit 3) or to a ZIP64 extra field (0xFFFFFFFF).
    private static func checkLocalHeader(of member: ZIPMember, in reader: LittleEndianReader) throws {
        let header = member.localHeaderOffset
        let nameLength = Int(try reader.integer(UInt16.self, at: header + 26))
        let localName = String(decoding: try reader.bytes(at: header + localHeaderSize, count: nameLength, what: "entry name"),
                               as: UTF8.self)
        guard localName == member.name else {
            throw NumPyFormatError.inconsistentArchiveMember(name: member.name, reason: "the local header names '\(localName)'")
        }
        let method = try reader.integer(UInt16.self, at: header + 8)
        guard method == member.compressionMethod else {
            throw NumPyFormatError.inconsistentArchiveMember(
                name: member.name, reason: "compression method \(method) locally, \(member.compressionMethod) in the directory")
        }
        guard !member.hasDataDescriptor else { return }
        let sizes = [
            (try reader.integer(UInt32.self, at: header + 18), member.compressedSize, "local header (compressed size)"),
            (try reader.integer(UInt32.self, at: header + 22), member.uncompressedSize, "local header"),
        ]
        for (local, central, source) in sizes where local != 0xFFFF_FFFF && Int(local) != central {
            throw NumPyFormatError.archiveMemberSizeMismatch(
                name: member.name, declaredBytes: central, headerBytes: Int(local), source: source)
        }
    }

    /// The uncompressed bytes of `member`, verified against its CRC-32. Inflation stops as
    /// soon as the output would exceed the directory's uncompressed size, so a member that
    /// inflates beyond what it declares costs at most one more 64 KiB chunk.
    /// - Throws: `NumPyFormatError.corruptArchiveMember` naming the member and the problem.
    static func contents(of member: ZIPMember, in data: Data) throws -> Data {
        func corrupt(_ reason: String) -> NumPyFormatError { .corruptArchiveMember(name: member.name, reason: reason) }
        let stored = try storedBytes(of: member, in: data)
        let contents: Data
        switch member.compressionMethod {
        case 0:
            contents = stored
        default:
            contents = try inflate(stored, expectedSize: member.uncompressedSize, corrupt: corrupt)
        }
        let computed = contents.crc32(checksum: 0)
        guard computed == member.checksum else {
            throw corrupt("CRC-32 mismatch: the directory says 0x\(String(member.checksum, radix: 16)), "
                          + "the data gives 0x\(String(computed, radix: 16))")
        }
        return contents
    }

    /// The first bytes of `member`'s uncompressed contents, inflating only until `isEnough`
    /// says so (or the stream ends); at most 64 KiB more than `isEnough` needed.
    /// Errors that `isEnough` throws propagate unchanged.
    static func prefix(of member: ZIPMember, in data: Data, isEnough: (Data) throws -> Bool) throws -> Data {
        func corrupt(_ reason: String) -> NumPyFormatError { .corruptArchiveMember(name: member.name, reason: reason) }
        let stored = try storedBytes(of: member, in: data)
        if member.compressionMethod == 0 { return stored }
        return try withoutActuallyEscaping(isEnough) { isEnough in
            try inflate(stored, expectedSize: member.uncompressedSize, corrupt: corrupt, isEnough: isEnough)
        }
    }

    /// The stored (possibly compressed) bytes of `member`, after checking that this reader can decode them.
    private static func storedBytes(of member: ZIPMember, in data: Data) throws -> Data {
        func corrupt(_ reason: String) -> NumPyFormatError { .corruptArchiveMember(name: member.name, reason: reason) }
        guard !member.isEncrypted else { throw corrupt("encrypted members are not supported") }
        switch member.compressionMethod {
        case 0:
            guard member.compressedSize == member.uncompressedSize else {
                throw corrupt("stored (uncompressed) but its sizes differ: \(member.compressedSize) and \(member.uncompressedSize)")
            }
        case 8:
            break
        default:
            throw corrupt("compression method \(member.compressionMethod) is not supported (only stored and deflate)")
        }
        // `members(of:)` checked this range against the central directory's offset.
        let start = data.startIndex + member.dataOffset
        return data[start..<(start + member.compressedSize)]
    }

    // MARK: - Structure

    private static func findEndRecord(in reader: LittleEndianReader) throws -> Int {
        let count = reader.data.count
        guard count >= endRecordSize else {
            throw NumPyFormatError.invalidArchive(reason: "only \(count) bytes, too short for a ZIP end-of-central-directory record")
        }
        // The record is the last thing in the file, followed only by a comment of at most 65535 bytes.
        let lowest = max(0, count - endRecordSize - Int(UInt16.max))
        let found: Int? = reader.data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int? in
            var offset = count - endRecordSize
            while offset >= lowest {
                if bytes[offset] == 0x50 && bytes[offset + 1] == 0x4B && bytes[offset + 2] == 0x05 && bytes[offset + 3] == 0x06 {
                    return offset
                }
                offset -= 1
            }
            return nil
        }
        guard let found else {
            throw NumPyFormatError.invalidArchive(reason: "no end-of-central-directory record (not a ZIP file, or truncated)")
        }
        return found
    }

    /// One central-directory record and its total length in bytes.
    private static func centralRecord(at position: Int, in reader: LittleEndianReader) throws -> (ZIPMember, Int) {
        let flags = try reader.integer(UInt16.self, at: position + 8)
        let method = try reader.integer(UInt16.self, at: position + 10)
        let checksum = try reader.integer(UInt32.self, at: position + 16)
        var compressedSize = UInt64(try reader.integer(UInt32.self, at: position + 20))
        var uncompressedSize = UInt64(try reader.integer(UInt32.self, at: position + 24))
        let nameLength = Int(try reader.integer(UInt16.self, at: position + 28))
        let extraLength = Int(try reader.integer(UInt16.self, at: position + 30))
        let commentLength = Int(try reader.integer(UInt16.self, at: position + 32))
        var localHeaderOffset = UInt64(try reader.integer(UInt32.self, at: position + 42))

        let nameStart = position + centralRecordSize
        let name = String(decoding: try reader.bytes(at: nameStart, count: nameLength, what: "entry name"), as: UTF8.self)

        // ZIP64 extended information (tag 0x0001) holds, in this order, only the fields
        // saturated at 0xFFFFFFFF in the fixed record.
        var extra = nameStart + nameLength
        let extraEnd = extra + extraLength
        while extra + 4 <= extraEnd {
            let tag = try reader.integer(UInt16.self, at: extra)
            let size = Int(try reader.integer(UInt16.self, at: extra + 2))
            var field = extra + 4
            let fieldEnd = field + size
            guard fieldEnd <= extraEnd else { break }
            if tag == 0x0001 {
                if uncompressedSize == 0xFFFF_FFFF, field + 8 <= fieldEnd {
                    uncompressedSize = try reader.integer(UInt64.self, at: field)
                    field += 8
                }
                if compressedSize == 0xFFFF_FFFF, field + 8 <= fieldEnd {
                    compressedSize = try reader.integer(UInt64.self, at: field)
                    field += 8
                }
                if localHeaderOffset == 0xFFFF_FFFF, field + 8 <= fieldEnd {
                    localHeaderOffset = try reader.integer(UInt64.self, at: field)
                }
            }
            extra = fieldEnd
        }

        func checked(_ value: UInt64, _ what: String) throws -> Int {
            guard let result = Int(exactly: value) else {
                throw NumPyFormatError.invalidArchive(reason: "the \(what) of '\(name)' (\(value)) is out of range")
            }
            return result
        }
        let member = ZIPMember(
            name: name, compressionMethod: method, flags: flags, checksum: checksum,
            compressedSize: try checked(compressedSize, "compressed size"),
            uncompressedSize: try checked(uncompressedSize, "uncompressed size"),
            localHeaderOffset: try checked(localHeaderOffset, "local header offset"))
        return (member, centralRecordSize + nameLength + extraLength + commentLength)
    }

    // MARK: - Inflate

    private enum InflateStop: Error {
        case inputExhausted
        case outputTooLong
        case enough
    }

    /// Raw deflate (RFC 1951) decoding of `compressed`, which must produce exactly `expectedSize`
    /// bytes; with `isEnough`, stops early (successfully) once it returns true for the output so far.
    private static func inflate(
        _ compressed: Data, expectedSize: Int, corrupt: (String) -> NumPyFormatError,
        isEnough: ((Data) throws -> Bool)? = nil
    ) throws -> Data {
        let chunkSize = 64 * 1024
        var output = Data()
        // Deflate expands at most about 1032:1, so a lying size field cannot force a large reservation;
        // a prefix read reserves one chunk.
        let (bound, overflow) = compressed.count.multipliedReportingOverflow(by: 1032)
        output.reserveCapacity(min(isEnough == nil ? expectedSize : chunkSize, overflow ? expectedSize : bound))
        var delivered = 0
        do {
            _ = try Data.decompress(
                size: Int64(compressed.count), bufferSize: chunkSize, skipCRC32: true,
                provider: { _, size in
                    guard delivered < compressed.count else { throw InflateStop.inputExhausted }
                    let end = min(delivered + size, compressed.count)
                    var chunk = Data(compressed[(compressed.startIndex + delivered)..<(compressed.startIndex + end)])
                    delivered = end
                    // ZIPFoundation hands zlib `size` bytes whatever the chunk's length, so always
                    // return exactly that many; zeros past the end are never valid deflate data.
                    if chunk.count < size { chunk.append(Data(count: size - chunk.count)) }
                    return chunk
                },
                consumer: { piece in
                    let room = expectedSize - output.count
                    guard let isEnough else {
                        guard piece.count <= room else { throw InflateStop.outputTooLong }
                        output.append(piece)
                        return
                    }
                    // A prefix read keeps what fits the declared size, so that a header found
                    // there can still be compared with it; beyond, the member is too long.
                    output.append(piece.prefix(room))
                    if try isEnough(output) { throw InflateStop.enough }
                    guard piece.count <= room else { throw InflateStop.outputTooLong }
                })
        } catch InflateStop.enough {
            return output
        } catch InflateStop.inputExhausted {
            throw corrupt("the deflate stream ends before its end-of-stream marker")
        } catch InflateStop.outputTooLong {
            throw corrupt("it inflates to more than the \(expectedSize) bytes the directory records")
        } catch let error as NumPyFormatError {
            throw error
        } catch let error as NumPyLimitError {
            throw error
        } catch {
            throw corrupt("invalid deflate data (\(error))")
        }
        guard isEnough != nil || output.count == expectedSize else {
            throw corrupt("it inflates to \(output.count) bytes, the directory records \(expectedSize)")
        }
        return output
    }
}

/// Little-endian integers at byte offsets of `data`, each checked to lie inside it.
private struct LittleEndianReader {
    let data: Data

    func integer<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) throws -> T {
        let size = MemoryLayout<T>.size
        guard offset >= 0, offset <= data.count - size else {
            throw NumPyFormatError.invalidArchive(
                reason: "a \(size)-byte field at offset \(offset) lies outside the \(data.count) bytes of the archive")
        }
        return data.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    func bytes(at offset: Int, count: Int, what: String) throws -> Data {
        guard offset >= 0, count >= 0, offset <= data.count - count else {
            throw NumPyFormatError.invalidArchive(reason: "the \(what) at offset \(offset) runs past the end of the archive")
        }
        return data[(data.startIndex + offset)..<(data.startIndex + offset + count)]
    }

    func offset(_ value: UInt64, what: String) throws -> Int {
        guard let offset = Int(exactly: value), offset <= data.count else {
            throw NumPyFormatError.invalidArchive(reason: "the \(what) offset \(value) lies past the end of the archive")
        }
        return offset
    }
}
