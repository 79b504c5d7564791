// SPDX-License-Identifier: GPL-3.0-or-later

/// Misuse of the differentiation API, named in words.
public enum AutodiffError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `valueWithGradient` needs a function whose result has one element.
    case nonScalarOutput(shape: [Int])
    /// Variables recorded on two different tapes met in one operation.
    case mixedTapes(operation: String)
    /// A seed, tangent or cotangent whose shape differs from the value it belongs to.
    case shapeMismatch(what: String, expected: [Int], got: [Int])
    /// A function was differentiated with respect to a different number of inputs than it got tangents for.
    case argumentCount(expected: Int, got: Int)
    /// An operation that does not support the requested kind of derivative.
    case unsupported(operation: String, reason: String)
    /// An operation without a forward kernel met a tracing tape (see `TracedFunction`).
    case notTraceable(operation: String)
    /// A traced function's replay disagreed with the function itself, or its traces did not match.
    case traceMismatch(reason: String)

    public var description: String {
        switch self {
        case let .nonScalarOutput(shape):
            return "the function must return a single element to take its gradient; it returned shape \(shape)"
        case let .mixedTapes(op):
            return "\(op): operands come from two different differentiations"
        case let .shapeMismatch(what, expected, got):
            return "\(what) has shape \(got), expected \(expected)"
        case let .argumentCount(expected, got):
            return "expected \(expected) tensors, got \(got)"
        case let .unsupported(operation, reason):
            return "\(operation) cannot be differentiated this way: \(reason)"
        case let .notTraceable(operation):
            return "\(operation) has no forward kernel, so a function using it cannot be traced for replay"
        case let .traceMismatch(reason):
            return "the traced function cannot be replayed: \(reason)"
        }
    }
}
