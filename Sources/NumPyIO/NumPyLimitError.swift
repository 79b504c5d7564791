// SPDX-License-Identifier: GPL-3.0-or-later

/// A `.npy` / `.npz` input that is well formed but larger than the `NumPyReadLimits`
/// of the read allow. Raised from the headers, before the array is allocated or inflated.
public enum NumPyLimitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Decoding `member` (nil for a plain `.npy` file) would allocate `bytes`, more than the
    /// `budget` left for this read (`NumPyReadLimits.maximumBytes` less what the arrays before it take).
    case exceedsBudget(member: String?, bytes: Int, budget: Int)
    /// The `.npy` header of `member` (nil for a plain `.npy` file) is `bytes` long,
    /// more than `limit` (NumPy's `max_header_size` is 10 000).
    case headerTooLarge(member: String?, bytes: Int, limit: Int)

    /// The problem in one sentence, naming the member and the quantity.
    public var description: String {
        switch self {
        case let .exceedsBudget(member, bytes, budget):
            let subject = member.map { "archive member '\($0)'" } ?? "the array"
            return "\(subject) needs \(bytes) bytes of memory, more than the \(budget) bytes left in the read's memory budget"
        case let .headerTooLarge(member, bytes, limit):
            let subject = member.map { "archive member '\($0)': the" } ?? "the"
            return "\(subject) .npy header is \(bytes) bytes long, more than the \(limit) bytes allowed"
                + " (as NumPy's max_header_size)"
        }
    }
}
