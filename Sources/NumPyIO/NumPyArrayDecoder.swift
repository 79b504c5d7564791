// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import TensorCore

/// Decodes a `.npy` image (layout in `NumPyArrayLayout`) into a row-major `Float64` tensor.
///
/// Every length is checked against the bytes actually present, and the cost against the
/// read's `NumPyReadLimits`, before anything is allocated, so a header that lies about its
/// shape costs nothing.
enum NumPyArrayDecoder {
    static func decode(_ data: Data, limits: NumPyReadLimits, member: String? = nil, storedBytes: Int = 0) throws -> Tensor {
        try data.withUnsafeBytes { try decode($0, limits: limits, member: member, storedBytes: storedBytes) }
    }

    /// Decodes a complete `.npy` image. `storedBytes` is what the caller already holds for
    /// it (a file read, an inflated member) and counts against `limits.maximumBytes`
    /// together with the tensor.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, limits: NumPyReadLimits, member: String? = nil, storedBytes: Int = 0
    ) throws -> Tensor {
        let layout = try NumPyArrayLayout(parsing: bytes, limits: limits, member: member)
        let available = bytes.count - layout.dataStart
        guard layout.dataByteCount == available else {
            throw NumPyFormatError.dataLengthMismatch(expectedBytes: layout.dataByteCount, actualBytes: available)
        }
        try layout.checkBudget(storedBytes: storedBytes, budget: limits.maximumBytes, member: member)
        let (header, dataType, dataStart, count) = (layout.header, layout.dataType, layout.dataStart, layout.elementCount)

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
