// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import TensorCore

/// Writes a tensor as NumPy's `np.save` does, byte for byte:
///
///     \x93NUMPY 01 00 HL  {'descr': '<f8', 'fortran_order': False, 'shape': (…), }␣…␣\n  data
///
/// version 1.0 (2.0 when the header exceeds 65535 bytes), little-endian `float64`, C order.
/// After the dict come 21 − len(repr(shape[0])) spaces of room for growing the first axis
/// in place (NumPy ≥ 1.23), then spaces and a newline so the data starts at a multiple of 64.
enum NumPyArrayEncoder {
    /// NumPy's `GROWTH_AXIS_MAX_DIGITS`: room for the widest 64-bit first dimension.
    static let growthAxisMaximumDigits = 21

    static func encode(_ tensor: Tensor) -> Data {
        let header = NumPyHeader(
            descriptor: "<f8", isFortranOrder: false, shape: tensor.shape)
        var text = header.dictionaryText
        if let first = tensor.shape.first {
            text += String(repeating: " ", count: max(0, growthAxisMaximumDigits - String(first).count))
        }
        let textBytes = Array(text.utf8)  // ASCII only, so Latin-1 and UTF-8 agree

        // Version 1.0 stores the padded header length in 2 bytes, version 2.0 in 4.
        var prefixLength = 10
        var paddedLength = paddedHeaderLength(textBytes.count, prefixLength: prefixLength)
        if paddedLength > Int(UInt16.max) {
            prefixLength = 12
            paddedLength = paddedHeaderLength(textBytes.count, prefixLength: prefixLength)
        }

        var data = Data(capacity: prefixLength + paddedLength + tensor.count * 8)
        data.append(contentsOf: NumPy.magic)
        if prefixLength == 10 {
            data.append(contentsOf: [1, 0])
            withUnsafeBytes(of: UInt16(paddedLength).littleEndian) { data.append(contentsOf: $0) }
        } else {
            data.append(contentsOf: [2, 0])
            withUnsafeBytes(of: UInt32(paddedLength).littleEndian) { data.append(contentsOf: $0) }
        }
        data.append(contentsOf: textBytes)
        data.append(contentsOf: repeatElement(UInt8(ascii: " "), count: paddedLength - textBytes.count - 1))
        data.append(UInt8(ascii: "\n"))

        tensor.withUnsafeBufferPointer { scalars in
            if 1.littleEndian == 1 {
                data.append(scalars)  // the raw bytes of the doubles, already little-endian
            } else {
                for value in scalars {
                    withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
                }
            }
        }
        return data
    }

    /// Header text plus newline, padded with spaces so `prefix + header` is a multiple of 64.
    /// Like NumPy, pads a full 64 bytes when the unpadded length is already a multiple.
    static func paddedHeaderLength(_ textLength: Int, prefixLength: Int) -> Int {
        let unpadded = prefixLength + textLength + 1
        let padding = NumPy.alignment - unpadded % NumPy.alignment
        return textLength + 1 + padding
    }
}
