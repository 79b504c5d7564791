// SPDX-License-Identifier: GPL-3.0-or-later
@testable import GSLBridge
import Testing

@Test("firstNonFinite finds the first NaN or ±∞ wherever it lies (block, block edge, tail) and nil when all are finite")
func firstNonFiniteFindsTheFirst() {
    for count in [0, 1, 7, 8, 9, 16, 37] {
        let finite = (0..<count).map { Double($0) * 1e300 - 3 }
        #expect(finite.withUnsafeBufferPointer(firstNonFinite) == nil, "count \(count)")
        for position in 0..<count {
            for bad in [Double.nan, .infinity, -.infinity] {
                var values = finite
                values[position] = bad
                if position + 2 < count { values[position + 2] = .nan }
                #expect(values.withUnsafeBufferPointer(firstNonFinite) == position, "count \(count), \(bad) at \(position)")
            }
        }
    }
}
