// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// The machine-readable summary of a report, `DIR/results.json`: one object per paper,
///
///     {"id": …, "title": …, "profile": "quick", "reproduced": true, "summary": …, "seconds": 0.12,
///      "numbers": {"plainToResidualGradientRatio": 7e-29, …}, "error": null}
///
/// with keys sorted; non-finite numbers are written as the strings `"inf"`, `"-inf"`, `"nan"`.
enum ResultsJSON {
    struct Entry: Encodable {
        let id: String
        let title: String
        let profile: String?
        let reproduced: Bool?
        let summary: String?
        let seconds: Double
        let numbers: [String: Double]
        let error: String?

        enum CodingKeys: String, CodingKey { case id, title, profile, reproduced, summary, seconds, numbers, error }

        // Written by hand so that a missing value is an explicit `null`, not an absent key.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(title, forKey: .title)
            try c.encode(profile, forKey: .profile)
            try c.encode(reproduced, forKey: .reproduced)
            try c.encode(summary, forKey: .summary)
            try c.encode(seconds, forKey: .seconds)
            try c.encode(numbers, forKey: .numbers)
            try c.encode(error, forKey: .error)
        }
    }

    /// The JSON document for `entries`.
    static func encode(_ entries: [ReportEntry]) throws -> Data {
        let list = entries.map { entry -> Entry in
            switch entry {
            case let .result(r):
                return Entry(id: r.id, title: r.title, profile: r.profile.rawValue, reproduced: r.verdict.reproduced,
                             summary: r.verdict.summary, seconds: r.seconds, numbers: r.numbers, error: nil)
            case let .failure(f):
                return Entry(id: f.id, title: f.title, profile: nil, reproduced: nil, summary: nil, seconds: f.seconds,
                             numbers: [:], error: f.message)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(list) + Data("\n".utf8)
    }
}
