// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// One member of a hand-made ZIP archive; `method` and `flags` are written verbatim.
struct HandMadeZIPMember {
    var name: String
    var contents: Data
    var method: UInt16 = 0
    var flags: UInt16 = 0
    /// The uncompressed size both headers record; `contents.count` when nil.
    var declaredSize: Int? = nil
    /// The CRC-32 both headers record; computed from `contents` when nil.
    var checksum: UInt32? = nil
}

/// A minimal ZIP archive (APPNOTE §4.3) with the members' bytes stored as given,
/// so tests can build archives that no well-behaved writer would produce.
/// With `zip64`, the central directory saturates sizes and offsets at 0xFFFFFFFF and
/// moves them into ZIP64 extra fields, and a ZIP64 end record and locator precede the
/// end record (whose entry count is saturated at 0xFFFF), as for archives over 4 GiB.
func handMadeZIP(_ members: [HandMadeZIPMember], zip64: Bool = false) -> Data {
    var body = Data()
    var directory = Data()
    func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
    for member in members {
        let name = Data(member.name.utf8)
        let checksum = member.checksum ?? crc32(member.contents)
        let declared = member.declaredSize ?? member.contents.count
        let offset = UInt32(body.count)
        append(UInt32(0x0403_4B50), to: &body)
        append(UInt16(20), to: &body)
        append(member.flags, to: &body)
        append(member.method, to: &body)
        append(UInt32(0), to: &body)  // time and date
        append(checksum, to: &body)
        append(UInt32(member.contents.count), to: &body)
        append(UInt32(declared), to: &body)
        append(UInt16(name.count), to: &body)
        append(UInt16(0), to: &body)
        body.append(name)
        body.append(member.contents)

        append(UInt32(0x0201_4B50), to: &directory)
        append(UInt16(20), to: &directory)
        append(UInt16(20), to: &directory)
        append(member.flags, to: &directory)
        append(member.method, to: &directory)
        append(UInt32(0), to: &directory)
        append(checksum, to: &directory)
        append(zip64 ? UInt32.max : UInt32(member.contents.count), to: &directory)
        append(zip64 ? UInt32.max : UInt32(declared), to: &directory)
        append(UInt16(name.count), to: &directory)
        append(UInt16(zip64 ? 28 : 0), to: &directory)  // extra
        append(UInt16(0), to: &directory)  // comment
        append(UInt16(0), to: &directory)  // disk
        append(UInt16(0), to: &directory)  // internal attributes
        append(UInt32(0), to: &directory)  // external attributes
        append(zip64 ? UInt32.max : offset, to: &directory)
        directory.append(name)
        if zip64 {
            append(UInt16(0x0001), to: &directory)
            append(UInt16(24), to: &directory)
            append(UInt64(declared), to: &directory)  // uncompressed
            append(UInt64(member.contents.count), to: &directory)  // compressed
            append(UInt64(offset), to: &directory)
        }
    }
    var archive = body
    archive.append(directory)
    if zip64 {
        let recordOffset = UInt64(archive.count)
        append(UInt32(0x0606_4B50), to: &archive)
        append(UInt64(44), to: &archive)  // size of the rest of the record
        append(UInt16(45), to: &archive)
        append(UInt16(45), to: &archive)
        append(UInt32(0), to: &archive)
        append(UInt32(0), to: &archive)
        append(UInt64(members.count), to: &archive)
        append(UInt64(members.count), to: &archive)
        append(UInt64(directory.count), to: &archive)
        append(UInt64(body.count), to: &archive)
        append(UInt32(0x0706_4B50), to: &archive)
        append(UInt32(0), to: &archive)
        append(recordOffset, to: &archive)
        append(UInt32(1), to: &archive)
    }
    append(UInt32(0x0605_4B50), to: &archive)
    append(UInt16(0), to: &archive)
    append(UInt16(0), to: &archive)
    append(zip64 ? UInt16.max : UInt16(members.count), to: &archive)
    append(zip64 ? UInt16.max : UInt16(members.count), to: &archive)
    append(zip64 ? UInt32.max : UInt32(directory.count), to: &archive)
    append(zip64 ? UInt32.max : UInt32(body.count), to: &archive)
    append(UInt16(0), to: &archive)
    return archive
}

/// CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), bit by bit: slow but short.
func crc32(_ data: Data) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}
