// SPDX-License-Identifier: GPL-3.0-or-later

/// An element type of a `.npy` file that converts to `Float64`, parsed from the
/// header's `descr` string:
///
///     descr := byteorder kind itemsize      e.g. '<f8', '>i4', '|u1'
///     byteorder ∈ {'<' little, '>' big, '|' not applicable, '=' native}
///     kind itemsize ∈ {f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1}
///
/// Integers convert to the nearest `Double` (exact up to 2⁵³ in magnitude);
/// `float32` converts exactly; booleans become 0 or 1.
struct NumPyDataType: Equatable {
    enum Kind: Equatable {
        case floatingPoint
        case signedInteger
        case unsignedInteger
        case boolean
    }

    let kind: Kind
    /// Bytes per element.
    let itemSize: Int
    let isBigEndian: Bool

    /// The only dtype this module writes: little-endian IEEE-754 binary64.
    static let float64LittleEndian = NumPyDataType(kind: .floatingPoint, itemSize: 8, isBigEndian: false)

    private init(kind: Kind, itemSize: Int, isBigEndian: Bool) {
        self.kind = kind
        self.itemSize = itemSize
        self.isBigEndian = isBigEndian
    }

    /// Parses a dtype descriptor such as `'<f8'`.
    /// - Throws: `NumPyFormatError.unsupportedDataType` for anything outside the table above.
    init(descriptor: String) throws {
        var scalars = Substring(descriptor).unicodeScalars[...]
        var order: Unicode.Scalar = "="
        if let first = scalars.first, "<>|=".unicodeScalars.contains(first) {
            order = first
            scalars = scalars.dropFirst()
        }
        let digits = scalars.dropFirst()
        guard let kindCharacter = scalars.first, digits.allSatisfy({ ("0"..."9").contains($0) }),
              let size = Int(String(String.UnicodeScalarView(digits)))
        else { throw NumPyFormatError.unsupportedDataType(descriptor) }
        let kind: Kind
        switch (kindCharacter, size) {
        case ("f", 4), ("f", 8): kind = .floatingPoint
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signedInteger
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsignedInteger
        case ("b", 1): kind = .boolean
        default: throw NumPyFormatError.unsupportedDataType(descriptor)
        }
        // '|' means "byte order not applicable", which NumPy only writes for one-byte types.
        if order == "|" && size != 1 { throw NumPyFormatError.unsupportedDataType(descriptor) }
        let hostIsBigEndian = 1.bigEndian == 1
        self.init(kind: kind, itemSize: size, isBigEndian: order == ">" || (order == "=" && hostIsBigEndian))
    }

    /// Converts `output.count` packed elements of this type from `bytes` into `output`.
    /// `bytes` must hold at least `output.count · itemSize` bytes (checked by the caller).
    func convert(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Double>) {
        switch (kind, itemSize) {
        case (.floatingPoint, 8):
            let hostIsBigEndian = 1.bigEndian == 1
            if isBigEndian == hostIsBigEndian, let source = bytes.baseAddress, let target = output.baseAddress {
                // Same layout as `Double` in memory: one copy, no per-element work.
                UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: output.count * 8)
            } else {
                convert(bytes, into: output, as: UInt64.self) { Double(bitPattern: $0) }
            }
        case (.floatingPoint, _): convert(bytes, into: output, as: UInt32.self) { Double(Float(bitPattern: $0)) }
        case (.signedInteger, 1): convert(bytes, into: output, as: Int8.self) { Double($0) }
        case (.signedInteger, 2): convert(bytes, into: output, as: Int16.self) { Double($0) }
        case (.signedInteger, 4): convert(bytes, into: output, as: Int32.self) { Double($0) }
        case (.signedInteger, _): convert(bytes, into: output, as: Int64.self) { Double($0) }
        case (.unsignedInteger, 1): convert(bytes, into: output, as: UInt8.self) { Double($0) }
        case (.unsignedInteger, 2): convert(bytes, into: output, as: UInt16.self) { Double($0) }
        case (.unsignedInteger, 4): convert(bytes, into: output, as: UInt32.self) { Double($0) }
        case (.unsignedInteger, _): convert(bytes, into: output, as: UInt64.self) { Double($0) }
        case (.boolean, _): convert(bytes, into: output, as: UInt8.self) { $0 == 0 ? 0 : 1 }
        }
    }

    private func convert<Raw: FixedWidthInteger>(
        _ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Double>,
        as raw: Raw.Type, _ toDouble: (Raw) -> Double
    ) {
        let stride = MemoryLayout<Raw>.size
        let bigEndian = isBigEndian
        for i in 0..<output.count {
            let stored = bytes.loadUnaligned(fromByteOffset: i * stride, as: Raw.self)
            output[i] = toDouble(bigEndian ? Raw(bigEndian: stored) : Raw(littleEndian: stored))
        }
    }
}
