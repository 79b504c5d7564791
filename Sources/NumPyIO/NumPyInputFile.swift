// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening `.npy` / `.npz` input files: only regular files (after following symlinks) are
/// read, so a FIFO, device or directory is refused by `stat(2)` before anything would block
/// or stream without end; the bytes are memory-mapped rather than copied, so a large file
/// costs address space, not memory, until its pages are touched.
enum NumPyInputFile {
    /// The file's bytes, memory-mapped.
    /// - Throws: `NumPyFileError.cannotRead` when `stat` or the read fails,
    ///   `.notRegularFile` naming the kind of file found.
    static func mappedContents(of url: URL) throws -> Data {
        let path = url.path
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw NumPyFileError.cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG else {
            throw NumPyFileError.notRegularFile(path: path, kind: kindName(kind))
        }
        do {
            return try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw NumPyFileError.cannotRead(path: path, reason: "\(error.localizedDescription)")
        }
    }

    private static func kindName(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }
}
