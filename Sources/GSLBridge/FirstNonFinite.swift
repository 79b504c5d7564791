// SPDX-License-Identifier: GPL-3.0-or-later

/// The index of the first NaN or infinity in `values`, or nil when all are finite.
///
/// Checked eight values at a time: `x·0` is 0 for a finite `x` and NaN for NaN or
/// ±∞, so one vector sum per block tells whether the block needs a scalar scan.
/// GSL calls the right-hand side thousands of times on states of up to 10⁴–10⁵
/// components (the adjoint's `[x, a, a_θ]`), where a scalar `isFinite` loop
/// costs a few per cent of the solve.
func firstNonFinite(in values: UnsafeBufferPointer<Double>) -> Int? {
    guard let base = values.baseAddress else { return nil }
    let count = values.count
    let raw = UnsafeRawPointer(base)
    var block = 0
    while block + 8 <= count {
        let lanes = raw.loadUnaligned(fromByteOffset: block * MemoryLayout<Double>.stride, as: SIMD8<Double>.self)
        if !(lanes * 0).sum().isFinite {
            for i in block..<(block + 8) where !values[i].isFinite { return i }
        }
        block += 8
    }
    for i in block..<count where !values[i].isFinite { return i }
    return nil
}
