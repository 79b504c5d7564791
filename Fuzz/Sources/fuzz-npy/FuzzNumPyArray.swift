// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the .npy decoder: every input must decode, or throw a NumPyIO error
// (NumPyFormatError, NumPyLimitError), within a 64 MiB budget. A decoded array must
// re-encode and decode to the same bits. Anything else (a trap, an untyped error,
// a sanitizer report) is a finding.
import Foundation
import ResODE

let limits = NumPyReadLimits(maximumBytes: 64 << 20)

func test(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    do {
        let tensor = try NumPy.decodeArray(data, limits: limits)
        let again = try NumPy.decodeArray(NumPy.encodeArray(tensor), limits: limits)
        guard again.shape == tensor.shape, again.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern) else {
            fatalError("re-encoding changed the array: \(tensor.shape) → \(again.shape)")
        }
    } catch is NumPyFormatError {
    } catch is NumPyLimitError {
    } catch {
        fatalError("untyped error from the .npy decoder: \(error)")
    }
    return 0
}

/// libFuzzer's entry point: called by libFuzzer's own `main` with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    test(bytes, count)
}
