// SPDX-License-Identifier: GPL-3.0-or-later

/// A data file that cannot be used, named with what is wrong with it.
public enum ImageFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist or cannot be read.
    case missing(path: String)
    /// The file exists but is not in the expected format (the reason says where it differs).
    case corrupt(path: String, reason: String)

    public var description: String {
        switch self {
        case let .missing(path): return "\(path): missing or unreadable"
        case let .corrupt(path, reason): return "\(path): \(reason)"
        }
    }
}
