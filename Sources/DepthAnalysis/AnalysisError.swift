// SPDX-License-Identifier: GPL-3.0-or-later

/// Why a measurement refused its input, named precisely (the argument, its value, the rule it broke).
public enum AnalysisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An argument outside its allowed range or set.
    case invalidArgument(name: String, value: String, reason: String)
    /// A tensor whose shape does not fit the measurement.
    case shapeMismatch(what: String, expected: [Int], got: [Int])
    /// A block index outside `0..<depth`.
    case blockIndexOutOfRange(index: Int, depth: Int)
    /// A block order that is not a permutation of `0..<depth`.
    case notPermutation(order: [Int], depth: Int)
    /// A measurement that needs a skip connection met a plain block.
    case requiresSkipConnection(block: Int, measurement: String)
    /// A loss closure that returned more than one element.
    case nonScalarLoss(shape: [Int])
    /// A value that became NaN or ±Inf.
    case nonFinite(what: String)

    /// A one-line message naming the argument or shape and what was wrong.
    public var description: String {
        switch self {
        case let .invalidArgument(name, value, reason):
            return "argument '\(name)' = \(value): \(reason)"
        case let .shapeMismatch(what, expected, got):
            return "\(what) has shape \(got), expected \(expected)"
        case let .blockIndexOutOfRange(index, depth):
            return "block index \(index) is out of range 0..<\(depth)"
        case let .notPermutation(order, depth):
            return "block order \(order) is not a permutation of 0..<\(depth)"
        case let .requiresSkipConnection(block, measurement):
            return "\(measurement) needs residual blocks (x + h·F(x)); block \(block) is plain (x ↦ F(x))"
        case let .nonScalarLoss(shape):
            return "the loss must return one element; it returned shape \(shape)"
        case let .nonFinite(what):
            return "\(what) is not finite (NaN or ±Inf)"
        }
    }
}
