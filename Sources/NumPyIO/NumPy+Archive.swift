// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import TensorCore
import ZIPFoundation

extension NumPy {
    /// Modification time stamped on every member written, 2000-01-01 00:00 UTC, so that
    /// equal arrays give byte-identical archives.
    static let memberModificationDate = Date(timeIntervalSince1970: 946_684_800)

    /// Decodes every array of a `.npz` file: a ZIP archive of `name.npy` members, stored
    /// (`np.savez`) or deflated (`np.savez_compressed`), in archive order. To decode only
    /// some members, use `NumPyArchiveReader`.
    /// - Parameters:
    ///   - data: the bytes of the `.npz` file.
    ///   - limits: the header cap, and the budget for all members together
    ///     (uncompressed bytes + tensors), checked before any member is inflated.
    /// - Throws: as `NumPyArchiveReader.init(data:limits:)` and `.readAll()`: `NumPyFormatError`
    ///   (`.invalidArchive`, `.corruptArchiveMember`, `.unexpectedArchiveMember`, `.duplicateArchiveMember`,
    ///   `.overlappingArchiveMembers`, `.archiveMemberSizeMismatch`, `.invalidArchiveMember(name:error:)`
    ///   wrapping the `.npy` error of a member), `NumPyLimitError`.
    public static func decodeArchive(_ data: Data, limits: NumPyReadLimits = .default) throws -> NumPyArchive {
        try NumPyArchiveReader(data: data, limits: limits).readAll()
    }

    /// Encodes named tensors as the bytes of a `.npz` file that `np.load` reads back: one
    /// `name.npy` member per array, in archive order, each as `encodeArray(_:)` makes it.
    /// - Parameters:
    ///   - archive: the arrays by member name (without `.npy`), Float64, any shape.
    ///   - compressed: deflate the members, as `np.savez_compressed` does;
    ///     otherwise store them, as `np.savez` does.
    /// - Throws: ZIPFoundation's `Archive.ArchiveError` if the archive cannot be assembled.
    public static func encodeArchive(_ archive: NumPyArchive, compressed: Bool = false) throws -> Data {
        let zip = try Archive(data: Data(), accessMode: .create)
        for (name, tensor) in archive {
            let contents = encodeArray(tensor)
            try zip.addEntry(
                with: name + ".npy", type: .file, uncompressedSize: Int64(contents.count),
                modificationDate: memberModificationDate,
                compressionMethod: compressed ? .deflate : .none,
                provider: { position, size in
                    let start = min(Int(position), contents.count)
                    return contents[start..<min(start + size, contents.count)]
                })
        }
        return zip.data ?? Data()
    }

    /// Reads every array of a `.npz` file (memory-mapped).
    /// - Throws: `NumPyFileError.cannotRead` / `.notRegularFile`; otherwise as `decodeArchive(_:limits:)`.
    public static func readArchive(from url: URL, limits: NumPyReadLimits = .default) throws -> NumPyArchive {
        try NumPyArchiveReader(contentsOf: url, limits: limits).readAll()
    }

    /// Writes named tensors as a `.npz` file, atomically (temporary file, then rename over `url`).
    /// - Parameters:
    ///   - archive: the arrays by member name (without `.npy`), Float64, any shape.
    ///   - url: the `.npz` file to create or replace.
    ///   - compressed: deflate the members (`np.savez_compressed`) instead of storing them (`np.savez`).
    /// - Throws: Foundation's error when the temporary file cannot be written;
    ///   `NumPyFileError.cannotReplace` when it cannot be renamed over `url`.
    public static func writeArchive(_ archive: NumPyArchive, to url: URL, compressed: Bool = false) throws {
        try AtomicFileWriter.write(encodeArchive(archive, compressed: compressed), to: url)
    }

    /// Writes named tensors, given as a literal such as `["weights": w, "bias": b]`, as a `.npz` file,
    /// atomically and in the order written.
    /// - Throws: `NumPyFormatError.duplicateArchiveMember` when a name repeats; otherwise as
    ///   `writeArchive(_:to:compressed:)` with a `NumPyArchive`.
    public static func writeArchive(
        _ arrays: KeyValuePairs<String, Tensor>, to url: URL, compressed: Bool = false
    ) throws {
        try writeArchive(NumPyArchive(arrays), to: url, compressed: compressed)
    }
}
