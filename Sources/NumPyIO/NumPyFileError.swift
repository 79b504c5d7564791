// SPDX-License-Identifier: GPL-3.0-or-later

/// A file-system failure while replacing a `.npy` or `.npz` file. Reading and creating
/// files report Foundation's own errors, which already name the path.
public enum NumPyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The finished temporary file could not be renamed over `path`; the target is unchanged.
    case cannotReplace(path: String, reason: String)

    /// The problem in one sentence, naming the offending value.
    public var description: String {
        switch self {
        case let .cannotReplace(path, reason):
            return "cannot replace '\(path)' with the newly written file: \(reason)"
        }
    }
}
