// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// Bits packed least-significant first, as DEFLATE (RFC 1951 §3.1.1) packs them.
struct DeflateBitWriter {
    private(set) var bytes = Data()
    private var bitCount = 0

    /// `count` bits of `value`, least significant first (header fields, extra bits).
    mutating func write(_ value: Int, bits count: Int) {
        for bit in 0..<count { append((value >> bit) & 1) }
    }

    /// A Huffman code given as its bit string, most significant bit first (RFC 1951 §3.1.1).
    mutating func write(code: String) {
        for character in code { append(character == "1" ? 1 : 0) }
    }

    /// `count` zero bits, whole bytes appended at once.
    mutating func writeZeros(_ count: Int) {
        var remaining = count
        while remaining > 0 && bitCount % 8 != 0 { append(0); remaining -= 1 }
        bytes.append(Data(count: remaining / 8))
        bitCount += remaining / 8 * 8
        for _ in 0..<(remaining % 8) { append(0) }
    }

    /// Pads with zero bits to the next byte boundary.
    mutating func alignToByte() {
        while bitCount % 8 != 0 { append(0) }
    }

    private mutating func append(_ bit: Int) {
        if bitCount % 8 == 0 { bytes.append(0) }
        if bit != 0 { bytes[bytes.index(before: bytes.endIndex)] |= UInt8(1 << (bitCount % 8)) }
        bitCount += 1
    }
}

/// A raw DEFLATE stream that inflates to `prefix` followed by `1 + 258·matches` zero bytes,
/// at about 2 bits per 258 output bytes (the format's ≈1032:1 limit).
///
/// Block 1 is stored (BTYPE 00) and holds `prefix` (at most 65 535 bytes). Block 2 is the last,
/// with dynamic Huffman codes (BTYPE 10) in which only three literal/length symbols have codes —
/// literal 0 ("10"), end of block ("11"), length 258 (symbol 285, "0") — and one distance symbol,
/// distance 1 ("0"). It writes one literal zero, then `matches` copies of ⟨258, 1⟩, two zero
/// bits each, then end of block.
func deflateBomb(prefix: Data, matches: Int) -> Data {
    var writer = DeflateBitWriter()
    writer.write(0, bits: 1)  // BFINAL = 0
    writer.write(0, bits: 2)  // BTYPE = stored
    writer.alignToByte()
    writer.write(prefix.count, bits: 16)
    writer.write(prefix.count ^ 0xFFFF, bits: 16)
    for byte in prefix { writer.write(Int(byte), bits: 8) }

    writer.write(1, bits: 1)  // BFINAL = 1
    writer.write(2, bits: 2)  // BTYPE = dynamic
    writer.write(286 - 257, bits: 5)  // HLIT: literal/length codes 0…285
    writer.write(1 - 1, bits: 5)  // HDIST: distance code 0 only
    writer.write(18 - 4, bits: 4)  // HCLEN: the first 18 code-length codes in the order below
    // Code-length alphabet: 18 (run of zeros) → "0", 1 → "10", 2 → "11".
    let codeLengthLengths: [Int: Int] = [18: 1, 1: 2, 2: 2]
    for symbol in [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1] {
        writer.write(codeLengthLengths[symbol] ?? 0, bits: 3)
    }
    func zeroRun(_ length: Int) {  // code-length symbol 18: 11…138 zeros, 7 extra bits
        writer.write(code: "0")
        writer.write(length - 11, bits: 7)
    }
    writer.write(code: "11")  // literal 0 has length 2
    zeroRun(138); zeroRun(117)  // literals 1…255 unused
    writer.write(code: "11")  // 256 (end of block) has length 2
    zeroRun(28)  // 257…284 unused
    writer.write(code: "10")  // 285 (length 258) has length 1
    writer.write(code: "10")  // distance 0 (distance 1) has length 1

    writer.write(code: "10")  // literal 0
    writer.writeZeros(2 * matches)  // ⟨length 258 "0", distance 1 "0"⟩ × matches
    writer.write(code: "11")  // end of block
    return writer.bytes
}
