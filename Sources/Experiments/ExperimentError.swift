// SPDX-License-Identifier: GPL-3.0-or-later

/// Why a reproduction, a report or a README update refused to go on, named precisely.
public enum ExperimentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `resode paper <id>` with an id no paper has.
    case unknownPaper(id: String, known: [String])
    /// Two registered papers share one id.
    case duplicatePaperID(String)
    /// A profile or argument the experiment cannot use.
    case invalidArgument(name: String, value: String, reason: String)
    /// A measured quantity came out NaN or ±Inf.
    case nonFinite(what: String)
    /// A file that should exist (a paper's README) does not.
    case missingFile(path: String, hint: String)
    /// A README whose measured section is malformed (one marker without the other, or in the wrong order).
    case malformedMarkers(path: String, reason: String)
    /// gnuplot failed or timed out on a figure.
    case renderingFailed(script: String, reason: String)

    /// One line naming the id, argument, file or script and what was wrong.
    public var description: String {
        switch self {
        case let .unknownPaper(id, known):
            return "unknown paper '\(id)'; known papers: \(known.joined(separator: ", "))"
        case let .duplicatePaperID(id):
            return "two registered papers have the id '\(id)'"
        case let .invalidArgument(name, value, reason):
            return "argument '\(name)' = \(value): \(reason)"
        case let .nonFinite(what):
            return "\(what) is not finite (NaN or ±Inf)"
        case let .missingFile(path, hint):
            return "\(path) does not exist (\(hint))"
        case let .malformedMarkers(path, reason):
            return "\(path): \(reason)"
        case let .renderingFailed(script, reason):
            return "gnuplot could not render \(script): \(reason)"
        }
    }
}
