// SPDX-License-Identifier: GPL-3.0-or-later

/// A model specification or weight set that cannot be used, named precisely.
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field of the spec has a value outside its allowed set or range.
    case invalidField(name: String, reason: String)
    /// The spec has a field this version does not know.
    case unknownField(name: String)
    /// A required field is absent.
    case missingField(name: String)
    /// A weight tensor is absent from a weight file.
    case missingParameter(name: String)
    /// A weight tensor has the wrong shape.
    case parameterShape(name: String, expected: [Int], got: [Int])
    /// A weight file holds a tensor the model does not have.
    case unexpectedParameter(name: String)
    /// An input that cannot be fed to the model (shape, NaN…).
    case invalidInput(reason: String)

    public var description: String {
        switch self {
        case let .invalidField(name, reason): return "spec field '\(name)': \(reason)"
        case let .unknownField(name): return "spec field '\(name)' is not known"
        case let .missingField(name): return "spec field '\(name)' is required"
        case let .missingParameter(name): return "weights: key '\(name)' is missing"
        case let .parameterShape(name, expected, got): return "weights: key '\(name)' has shape \(got), expected \(expected)"
        case let .unexpectedParameter(name): return "weights: key '\(name)' does not belong to this model"
        case let .invalidInput(reason): return "input: \(reason)"
        }
    }
}
