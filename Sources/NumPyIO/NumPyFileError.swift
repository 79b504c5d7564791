// SPDX-License-Identifier: GPL-3.0-or-later

/// A file-system failure while reading or replacing a `.npy` or `.npz` file. Creating
/// files reports Foundation's own errors, which already name the path.
public enum NumPyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The finished temporary file could not be renamed over `path`; the target is unchanged.
    case cannotReplace(path: String, reason: String)
    /// The input at `path` cannot be read (missing, no permission, …).
    case cannotRead(path: String, reason: String)
    /// The input at `path` is `kind` ("a FIFO", "a directory", …), not a regular file.
    case notRegularFile(path: String, kind: String)

    /// The problem in one sentence, naming the offending value.
    public var description: String {
        switch self {
        case let .cannotReplace(path, reason):
            return "cannot replace '\(path)' with the newly written file: \(reason)"
        case let .cannotRead(path, reason):
            return "cannot read '\(path)': \(reason)"
        case let .notRegularFile(path, kind):
            return "'\(path)' is \(kind), not a regular file"
        }
    }
}
