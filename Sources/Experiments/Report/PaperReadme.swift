// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NumPyIO

/// The "Last measured" section of `Papers/<id>/README.md`: the text between
///
///     <!-- measured:begin -->
///     …tables and verdict, with date and profile…
///     <!-- measured:end -->
///
/// is replaced by the latest run; everything outside the markers is kept byte for byte.
/// A README without markers gets a `## Last measured` section with them appended.
public enum PaperReadme {
    /// The line opening the measured section.
    public static let beginMarker = "<!-- measured:begin -->"
    /// The line closing the measured section.
    public static let endMarker = "<!-- measured:end -->"

    /// `Papers/<id>/README.md` under `papersDirectory`.
    public static func location(of id: String, in papersDirectory: URL) -> URL {
        papersDirectory.appendingPathComponent(id).appendingPathComponent("README.md")
    }

    /// `text` with the measured section replaced by `section`.
    /// - Throws: `ExperimentError.malformedMarkers` when exactly one marker appears, a marker
    ///   appears twice, or the end marker precedes the begin marker.
    public static func replacingMeasuredSection(in text: String, with section: String, path: String) throws -> String {
        let begins = text.occurrences(of: beginMarker), ends = text.occurrences(of: endMarker)
        let body = "\n" + section.trimmingCharacters(in: .newlines) + "\n"
        switch (begins.count, ends.count) {
        case (0, 0):
            let separator = text.isEmpty || text.hasSuffix("\n\n") ? "" : (text.hasSuffix("\n") ? "\n" : "\n\n")
            return text + separator + "## Last measured\n\n" + beginMarker + body + endMarker + "\n"
        case (1, 1) where begins[0].upperBound <= ends[0].lowerBound:
            return String(text[..<begins[0].upperBound]) + body + String(text[ends[0].lowerBound...])
        case (1, 1):
            throw ExperimentError.malformedMarkers(path: path, reason: "'\(endMarker)' comes before '\(beginMarker)'")
        default:
            throw ExperimentError.malformedMarkers(
                path: path, reason: "expected one '\(beginMarker)' and one '\(endMarker)', found \(begins.count) and \(ends.count)")
        }
    }

    /// Rewrites the measured section of `Papers/<result.id>/README.md` (atomically).
    /// - Returns: the README's location.
    /// - Throws: `ExperimentError.missingFile` when the README does not exist, marker errors, I/O errors.
    @discardableResult
    public static func update(with result: PaperResult, in papersDirectory: URL, date: Date) throws -> URL {
        let url = location(of: result.id, in: papersDirectory)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ExperimentError.missingFile(path: url.path, hint: "run from the repository root or pass --papers-dir")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        let updated = try replacingMeasuredSection(in: text, with: result.measuredMarkdown(date: date), path: url.path)
        try AtomicFileWriter.write(Data(updated.utf8), to: url)
        return url
    }
}

extension String {
    /// Every non-overlapping occurrence of `needle`, in order.
    func occurrences(of needle: String) -> [Range<String.Index>] {
        var found: [Range<String.Index>] = []
        var start = startIndex
        while start < endIndex, let r = range(of: needle, range: start..<endIndex) {
            found.append(r)
            start = r.upperBound
        }
        return found
    }
}
