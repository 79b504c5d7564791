// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import TensorCore

/// Reads the `.npy` layout:
///
///     offset 0   magic  \x93 N U M P Y
///     offset 6   major, minor version bytes   (1,0) | (2,0) | (3,0)
///     offset 8   header length  HL            u16 LE for 1.0, u32 LE for 2.0 and 3.0
///     then       header text, HL bytes         Latin-1 for 1.0/2.0, UTF-8 for 3.0
///     then       data, exactly ∏shape · itemsize bytes, C or Fortran order
///
/// Every length is checked against the bytes actually present before anything is
/// allocated, so a header that lies about its shape costs nothing.
enum NumPyArrayDecoder {
    static func decode(_ data: Data) throws -> Tensor {
        try data.withUnsafeBytes { try decode($0) }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> Tensor {
        let magic = NumPy.magic
        let prefixLength = min(bytes.count, magic.count)
        guard bytes.prefix(prefixLength).elementsEqual(magic.prefix(prefixLength)) else {
            throw NumPyFormatError.badMagic(found: Array(bytes.prefix(8)))
        }
        guard bytes.count >= 10 else { throw NumPyFormatError.truncatedHeader(expectedBytes: 10, availableBytes: bytes.count) }

        let (major, minor) = (Int(bytes[6]), Int(bytes[7]))
        let headerStart: Int
        let headerLength: Int
        switch (major, minor) {
        case (1, 0):
            headerStart = 10
            headerLength = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self)))
        case (2, 0), (3, 0):
            headerStart = 12
            guard bytes.count >= headerStart else {
                throw NumPyFormatError.truncatedHeader(expectedBytes: headerStart, availableBytes: bytes.count)
            }
            headerLength = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        default:
            throw NumPyFormatError.unsupportedVersion(major: major, minor: minor)
        }
        let dataStart = headerStart + headerLength
        guard dataStart <= bytes.count else {
            throw NumPyFormatError.truncatedHeader(expectedBytes: dataStart, availableBytes: bytes.count)
        }

        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[headerStart..<dataStart])
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
        let header = try NumPyHeader(parsing: headerText)
        let dataType = try NumPyDataType(descriptor: header.descriptor)

        let count = try header.elementCount()
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dataType.itemSize)
        guard !overflow else {
            throw NumPyFormatError.invalidShape(header.shape, reason: "the byte count overflows a 64-bit integer")
        }
        let available = bytes.count - dataStart
        guard byteCount == available else {
            throw NumPyFormatError.dataLengthMismatch(expectedBytes: byteCount, actualBytes: available)
        }

        let payload = UnsafeRawBufferPointer(rebasing: bytes[dataStart...])
        let scalars = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            dataType.convert(payload, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initialized = count
        }

        // Column-major data for shape (s₀,…,sₖ) is row-major data for (sₖ,…,s₀);
        // reversing the axes gives the row-major tensor.
        let isColumnMajor = header.isFortranOrder && header.shape.count > 1
        let storedShape = isColumnMajor ? Array(header.shape.reversed()) : header.shape
        do {
            let stored = try Tensor(shape: storedShape, scalars: scalars)
            return isColumnMajor ? try stored.permuted(Array((0..<storedShape.count).reversed())) : stored
        } catch {
            // Unreachable after the checks above; reported rather than trapped all the same.
            throw NumPyFormatError.invalidShape(header.shape, reason: "\(error)")
        }
    }
}
