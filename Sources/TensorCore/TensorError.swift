// SPDX-License-Identifier: GPL-3.0-or-later

/// What went wrong in a tensor operation. Every shape problem is thrown as one
/// of these, naming the operation and the shapes involved; nothing traps.
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Two operands whose shapes do not fit together (broadcasting, matrix product, concatenation…).
    case shapeMismatch(operation: String, lhs: [Int], rhs: [Int])
    /// A shape that cannot hold the given data or is invalid (negative dimension, wrong element count…).
    case invalidShape(operation: String, shape: [Int], reason: String)
    /// An axis outside `-rank..<rank`.
    case invalidAxis(operation: String, axis: Int, rank: Int)
    /// An index outside its dimension.
    case indexOutOfRange(operation: String, index: Int, count: Int)
    /// Any other invalid argument, described in words.
    case invalidArgument(operation: String, reason: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, lhs, rhs):
            return "\(op): shapes \(lhs) and \(rhs) are incompatible"
        case let .invalidShape(op, shape, reason):
            return "\(op): invalid shape \(shape): \(reason)"
        case let .invalidAxis(op, axis, rank):
            return "\(op): axis \(axis) is out of range for a tensor of rank \(rank)"
        case let .indexOutOfRange(op, index, count):
            return "\(op): index \(index) is out of range 0..<\(count)"
        case let .invalidArgument(op, reason):
            return "\(op): \(reason)"
        }
    }
}
