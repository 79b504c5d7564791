// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation

/// Replaces a file's contents all at once: the bytes go to a hidden temporary file
/// in the same directory, are flushed to disk, and the temporary file is renamed over
/// the target. `rename(2)` within one file system is atomic, so a reader sees either
/// the old file or the complete new one, never a partial write. On any failure the
/// temporary file is removed and the target is left as it was.
/// - Throws: Foundation's error when the temporary file cannot be written,
///   `NumPyFileError.cannotReplace` when the rename fails.
public enum AtomicFileWriter {
    public static func write(_ data: Data, to url: URL) throws {
        let target = url.standardizedFileURL
        let directory = target.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        var renamed = false
        // On failure the error being thrown is the one to report; a hidden temporary left behind is harmless.
        defer {
            if !renamed { try? FileManager.default.removeItem(at: temporary) }
        }
        try data.write(to: temporary, options: .withoutOverwriting)
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, target.path) == 0 else {
            throw NumPyFileError.cannotReplace(path: target.path, reason: String(cString: strerror(errno)))
        }
        renamed = true
    }
}
