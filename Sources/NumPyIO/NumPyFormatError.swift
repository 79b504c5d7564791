// SPDX-License-Identifier: GPL-3.0-or-later

/// What is wrong with a `.npy` or `.npz` input. Every malformed, truncated or
/// mislabelled input is reported as one of these, naming the offending bytes,
/// key, dtype or member; nothing traps.
public enum NumPyFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not start with the magic string `\x93NUMPY`; `found` holds its first bytes.
    case badMagic(found: [UInt8])
    /// A format version other than 1.0, 2.0 or 3.0.
    case unsupportedVersion(major: Int, minor: Int)
    /// The input ends before the header that its length field announces.
    case truncatedHeader(expectedBytes: Int, availableBytes: Int)
    /// The header is not a Python dict literal with exactly the keys
    /// `descr`, `fortran_order` and `shape` of the right types.
    case unparsableHeader(header: String, reason: String)
    /// A dtype this reader does not convert to `Float64` (complex, strings, objects, records, …).
    case unsupportedDataType(String)
    /// A shape with a negative dimension, or whose byte count overflows `Int`.
    case invalidShape([Int], reason: String)
    /// The data after the header is not exactly `product(shape) · itemsize` bytes long.
    case dataLengthMismatch(expectedBytes: Int, actualBytes: Int)
    /// The `.npz` input is not a readable ZIP archive (no end record, a directory out of bounds, …).
    case invalidArchive(reason: String)
    /// A ZIP member whose stored bytes cannot be recovered (CRC-32 mismatch, bad deflate stream,
    /// unsupported compression or encryption, sizes that disagree).
    case corruptArchiveMember(name: String, reason: String)
    /// A ZIP member that is not a `name.npy` file (a directory, or another file type).
    case unexpectedArchiveMember(name: String)
    /// Two arrays with the same name in one archive.
    case duplicateArchiveMember(name: String)
    /// A `name.npy` member whose contents are not a valid `.npy` file.
    indirect case invalidArchiveMember(name: String, error: NumPyFormatError)
    /// Two directory entries whose local headers and data overlap (or coincide): a ZIP
    /// that would make one stored member count many times.
    case overlappingArchiveMembers(first: String, second: String)
    /// A member whose ZIP size fields disagree with each other or with the shape × dtype
    /// of its `.npy` header: `declaredBytes` from the central directory, `headerBytes` from
    /// the `.npy` header (or the local ZIP header).
    case archiveMemberSizeMismatch(name: String, declaredBytes: Int, headerBytes: Int, source: String)
    /// A member whose local ZIP header disagrees with its central-directory entry
    /// (name, compression method).
    case inconsistentArchiveMember(name: String, reason: String)
    /// No array of this name in the archive; `available` lists the names present.
    case missingArchiveMember(name: String, available: [String])

    /// The problem in one sentence, naming the offending value.
    public var description: String {
        switch self {
        case let .badMagic(found):
            let bytes = found.map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            return "not a .npy file: expected the magic string \\x93NUMPY, found [\(bytes)]"
        case let .unsupportedVersion(major, minor):
            return "unsupported .npy format version \(major).\(minor); this reader supports 1.0, 2.0 and 3.0"
        case let .truncatedHeader(expected, available):
            return "truncated .npy header: it needs \(expected) bytes, the input has \(available)"
        case let .unparsableHeader(header, reason):
            return "unparsable .npy header dictionary (\(reason)): \(header)"
        case let .unsupportedDataType(descriptor):
            return "unsupported dtype '\(descriptor)'; readable dtypes are f4, f8, i1, i2, i4, i8, u1, u2, u4, u8"
                + " and b1 in either byte order"
        case let .invalidShape(shape, reason):
            return "invalid shape \(shape): \(reason)"
        case let .dataLengthMismatch(expected, actual):
            return "data length mismatch: header says \(expected) bytes, file has \(actual)"
        case let .invalidArchive(reason):
            return "not a readable .npz (ZIP) archive: \(reason)"
        case let .corruptArchiveMember(name, reason):
            return "archive member '\(name)' is corrupt: \(reason)"
        case let .unexpectedArchiveMember(name):
            return "archive member '\(name)' is not a .npy file"
        case let .duplicateArchiveMember(name):
            return "the archive holds two arrays named '\(name)'"
        case let .invalidArchiveMember(name, error):
            return "archive member '\(name)': \(error)"
        case let .overlappingArchiveMembers(first, second):
            return "archive members '\(first)' and '\(second)' share or overlap the same stored bytes"
        case let .archiveMemberSizeMismatch(name, declared, header, source):
            return "archive member '\(name)': the ZIP directory says it inflates to \(declared) bytes,"
                + " its \(source) says \(header)"
        case let .inconsistentArchiveMember(name, reason):
            return "archive member '\(name)': its local header disagrees with the directory (\(reason))"
        case let .missingArchiveMember(name, available):
            let list = available.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
            return "the archive has no array '\(name)' (it holds \(available.isEmpty ? "none" : list)"
                + "\(available.count > 20 ? ", …" : ""))"
        }
    }
}
