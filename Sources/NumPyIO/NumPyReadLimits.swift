// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// How much a read of `.npy` / `.npz` input may allocate, checked from the headers
/// before anything is allocated.
///
/// The cost of one array is the bytes its file or archive member occupies once read or
/// inflated plus the `Float64` tensor it becomes (elementCount · 8 bytes). A read is refused
/// with `NumPyLimitError.exceedsBudget` when the summed cost of the arrays it decodes
/// exceeds `maximumBytes`, and with `NumPyLimitError.headerTooLarge` when a `.npy`
/// header is longer than `maximumHeaderBytes`.
public struct NumPyReadLimits: Sendable, Equatable {
    /// NumPy's own cap on `.npy` header length (`numpy.lib.format`, `max_header_size`).
    public static let numpyMaximumHeaderBytes = 10_000

    /// Bytes one read may allocate for the arrays it decodes (see the type's description).
    public var maximumBytes: Int
    /// Longest `.npy` header dictionary accepted, in bytes.
    public var maximumHeaderBytes: Int

    /// Limits of `maximumBytes` and a header cap (NumPy's 10 000 bytes unless given).
    public init(maximumBytes: Int, maximumHeaderBytes: Int = NumPyReadLimits.numpyMaximumHeaderBytes) {
        self.maximumBytes = max(0, maximumBytes)
        self.maximumHeaderBytes = max(0, maximumHeaderBytes)
    }

    /// Half the physical memory, NumPy's header cap.
    public static var `default`: NumPyReadLimits {
        let physical = ProcessInfo.processInfo.physicalMemory
        return NumPyReadLimits(maximumBytes: Int(clamping: physical / 2))
    }

    /// The cost of an array whose stored or inflated form takes `storedBytes` and that
    /// decodes to `elementCount` doubles, or nil when it overflows `Int`.
    static func cost(storedBytes: Int, elementCount: Int) -> Int? {
        let (tensorBytes, overflow) = elementCount.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
        guard !overflow else { return nil }
        let (total, sumOverflow) = storedBytes.addingReportingOverflow(tensorBytes)
        return sumOverflow ? nil : total
    }
}
