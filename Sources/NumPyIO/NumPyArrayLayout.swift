// SPDX-License-Identifier: GPL-3.0-or-later

/// What the prefix of a `.npy` image says about the whole of it:
///
///     offset 0   magic  \x93 N U M P Y
///     offset 6   major, minor version bytes   (1,0) | (2,0) | (3,0)
///     offset 8   header length  HL            u16 LE for 1.0, u32 LE for 2.0 and 3.0
///     then       header text, HL bytes         Latin-1 for 1.0/2.0, UTF-8 for 3.0
///     then       data, exactly ∏shape · itemsize bytes
///
/// Parsed from the first `headerEnd` bytes alone, so the size of the whole image is known
/// (and checked against limits and the container's own size fields) before its data is
/// read, inflated or allocated.
struct NumPyArrayLayout {
    let header: NumPyHeader
    let dataType: NumPyDataType
    /// Offset of the first data byte.
    let dataStart: Int
    /// ∏ shape.
    let elementCount: Int
    /// elementCount · itemsize.
    let dataByteCount: Int
    /// dataStart + dataByteCount: the exact length of a valid image with this header.
    let imageByteCount: Int

    /// The number of leading bytes that hold the whole header, or nil when `bytes` is
    /// too short to tell yet (and `isComplete` is false).
    /// - Throws: `NumPyFormatError.badMagic`, `.unsupportedVersion`, `.truncatedHeader` (when
    ///   `isComplete`), `NumPyLimitError.headerTooLarge` (before the header text is looked at).
    static func headerEnd(
        of bytes: UnsafeRawBufferPointer, isComplete: Bool, limits: NumPyReadLimits, member: String?
    ) throws -> Int? {
        let magic = NumPy.magic
        let prefixLength = min(bytes.count, magic.count)
        guard bytes.prefix(prefixLength).elementsEqual(magic.prefix(prefixLength)) else {
            throw NumPyFormatError.badMagic(found: Array(bytes.prefix(8)))
        }
        func tooShort(_ needed: Int) throws -> Int? {
            guard isComplete else { return nil }
            throw NumPyFormatError.truncatedHeader(expectedBytes: needed, availableBytes: bytes.count)
        }
        guard bytes.count >= 8 else { return try tooShort(10) }
        let (major, minor) = (Int(bytes[6]), Int(bytes[7]))
        let headerStart: Int
        switch (major, minor) {
        case (1, 0): headerStart = 10
        case (2, 0), (3, 0): headerStart = 12
        default: throw NumPyFormatError.unsupportedVersion(major: major, minor: minor)
        }
        guard bytes.count >= headerStart else { return try tooShort(headerStart) }
        let headerLength = major == 1
            ? Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self)))
            : Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        guard headerLength <= limits.maximumHeaderBytes else {
            throw NumPyLimitError.headerTooLarge(member: member, bytes: headerLength, limit: limits.maximumHeaderBytes)
        }
        let end = headerStart + headerLength
        guard bytes.count >= end else { return try tooShort(end) }
        return end
    }

    /// Parses the header at the start of `bytes` (which may hold more than the header).
    /// - Throws: as `headerEnd` with `isComplete: true`, then `NumPyFormatError` for an
    ///   unparsable header, unsupported dtype or a shape whose byte count overflows.
    init(parsing bytes: UnsafeRawBufferPointer, limits: NumPyReadLimits, member: String?) throws {
        // `headerEnd` with isComplete: true either throws or returns a value.
        guard let end = try Self.headerEnd(of: bytes, isComplete: true, limits: limits, member: member) else {
            throw NumPyFormatError.truncatedHeader(expectedBytes: 12, availableBytes: bytes.count)
        }
        let major = Int(bytes[6])
        let headerStart = major == 1 ? 10 : 12
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[headerStart..<end])
        let headerText: String
        if major == 3 {
            guard let text = String(validating: headerBytes, as: UTF8.self) else {
                throw NumPyFormatError.unparsableHeader(
                    header: NumPyHeader.excerpt(of: String(decoding: headerBytes, as: UTF8.self)),
                    reason: "a version 3.0 header must be UTF-8")
            }
            headerText = text
        } else {
            // Latin-1 maps each byte to the Unicode scalar of the same value.
            headerText = String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        }
        header = try NumPyHeader(parsing: headerText)
        dataType = try NumPyDataType(descriptor: header.descriptor)
        elementCount = try header.elementCount()
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dataType.itemSize)
        let (imageCount, imageOverflow) = end.addingReportingOverflow(byteCount)
        guard !overflow, !imageOverflow else {
            throw NumPyFormatError.invalidShape(header.shape, reason: "the byte count overflows a 64-bit integer")
        }
        dataStart = end
        dataByteCount = byteCount
        imageByteCount = imageCount
    }

    /// Bytes a decode allocates beyond `storedBytes` already held: the `Float64` tensor, twice
    /// for Fortran order (the data is transposed into a second tensor). `Int.max` on overflow.
    func cost(storedBytes: Int) -> Int {
        let copies = header.isFortranOrder && header.shape.count > 1 ? 2 : 1
        let (doubles, overflow) = elementCount.multipliedReportingOverflow(by: copies)
        guard !overflow else { return Int.max }
        return NumPyReadLimits.cost(storedBytes: storedBytes, elementCount: doubles) ?? Int.max
    }

    /// Throws `NumPyLimitError.exceedsBudget` unless `storedBytes` plus the decoded tensor fit in `budget`.
    func checkBudget(storedBytes: Int, budget: Int, member: String?) throws {
        let cost = cost(storedBytes: storedBytes)
        guard cost <= budget else {
            throw NumPyLimitError.exceedsBudget(member: member, bytes: cost, budget: budget)
        }
    }
}
