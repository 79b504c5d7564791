// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import TensorCore

/// Reading and writing NumPy's `.npy` array files and `.npz` archives.
///
/// A `.npy` file is a magic string, a version, a Python-dict header giving dtype,
/// memory order and shape, then the raw elements. Reading accepts versions 1.0–3.0,
/// C or Fortran order, and the dtypes f4, f8, i1–i8, u1–u8 and b1 in either byte order,
/// all converted to `Double` in row-major order. Writing always produces what
/// `np.save` produces for a `float64` C-order array.
///
/// Reference: NumPy Enhancement Proposal 1 (NEP 1), "A simple file format for NumPy
/// arrays"; `numpy/lib/format.py`.
public enum NumPy {
    /// The six bytes every `.npy` file starts with: `\x93NUMPY`.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// NumPy aligns the start of the data to this many bytes.
    static let alignment = 64

    /// Decodes the bytes of a `.npy` file into a row-major tensor.
    ///
    /// Fortran-order data of shape (s₀,…,sₖ) is transposed so that element
    /// (i₀,…,iₖ) ends up at row-major offset Σⱼ iⱼ·∏_{l>j} s_l. A shape `()` gives a rank-0 tensor.
    /// - Parameters:
    ///   - data: the bytes of the `.npy` file (magic, header, then the array data).
    ///   - limits: the header cap, and the budget for the tensor (∏shape · 8 bytes).
    /// - Throws: `NumPyFormatError` saying what is wrong: bad magic, unsupported version,
    ///   truncated or unparsable header, unsupported dtype, invalid shape, or a data
    ///   length other than ∏shape · itemsize (checked before anything is allocated);
    ///   `NumPyLimitError` for a header or tensor beyond `limits`.
    public static func decodeArray(_ data: Data, limits: NumPyReadLimits = .default) throws -> Tensor {
        try NumPyArrayDecoder.decode(data, limits: limits)
    }

    /// Encodes a tensor as the bytes of a `.npy` file, identical to `np.save` of a C-order
    /// `float64` array: version 1.0 (2.0 if the header exceeds 65535 bytes), dtype `'<f8'`,
    /// data starting at a multiple of 64 bytes. NaN payloads, infinities and −0.0 are kept bit-exact.
    public static func encodeArray(_ tensor: Tensor) -> Data {
        NumPyArrayEncoder.encode(tensor)
    }

    /// Reads a `.npy` file (memory-mapped, so only the tensor counts against `limits`) into a
    /// row-major tensor.
    /// - Throws: `NumPyFileError.cannotRead` / `.notRegularFile` (a FIFO, device or directory is
    ///   refused before it is opened); `NumPyFormatError` and `NumPyLimitError` as in `decodeArray(_:limits:)`.
    public static func readArray(from url: URL, limits: NumPyReadLimits = .default) throws -> Tensor {
        try decodeArray(NumPyInputFile.mappedContents(of: url), limits: limits)
    }

    /// Writes a tensor as a `.npy` file, atomically: the bytes go to a temporary file in the
    /// same directory that is then renamed over `url`, so no partial file ever appears there.
    /// - Throws: Foundation's error when the temporary file cannot be written;
    ///   `NumPyFileError.cannotReplace` when it cannot be renamed over `url`.
    public static func writeArray(_ tensor: Tensor, to url: URL) throws {
        try AtomicFileWriter.write(encodeArray(tensor), to: url)
    }
}
