// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// The JSON type of a value, named as error messages name it ("a number", "a string", …).
public enum JSONKind: String, Sendable, Equatable {
    case object, array, string, number, boolean, null

    /// "an object", "a number", … for messages such as "'model' must be a string, got a number".
    public var withArticle: String {
        switch self {
        case .object, .array: return "an \(rawValue)"
        case .null: return "null"
        default: return "a \(rawValue)"
        }
    }
}

/// A JSON document's object keys checked for duplicates, and its top-level members' types.
///
/// Foundation's `JSONSerialization` accepts `{"depth": 3, "depth": 1000000000}` and keeps
/// one of the two silently; a specification must say one thing, so a repeated key in any
/// object, at any depth, is an error naming it. The scan is one pass over the bytes with an
/// explicit stack (no recursion), after `JSONSerialization` has checked the syntax.
public enum JSONMemberScan {
    /// What is wrong with a document.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// The parser's own account of what is wrong (e.g. where the document ends early).
        case invalidJSON(detail: String)
        case notAnObject
        case duplicateKey(String)
        case tooDeep(limit: Int)

        public var description: String {
            switch self {
            case let .invalidJSON(detail): return "not valid JSON (UTF-8): \(detail)"
            case .notAnObject: return "the document must be a JSON object"
            case let .duplicateKey(key): return "key '\(key)' appears more than once"
            case let .tooDeep(limit): return "nested more than \(limit) levels deep"
            }
        }
    }

    /// Nesting deeper than this is refused (a specification is two levels deep).
    public static let depthLimit = 64

    /// The top-level members of the JSON object in `data`, in document order, with their types.
    /// - Throws: `Problem` for invalid JSON, a document that is not an object, a key repeated
    ///   in any object, or nesting deeper than `depthLimit`.
    public static func topLevelMembers(of data: Data) throws -> [(key: String, kind: JSONKind)] {
        do { _ = try JSONSerialization.jsonObject(with: data) } catch { throw Problem.invalidJSON(detail: parserMessage(error)) }
        // JSONSerialization also reads UTF-16 and UTF-32; a spec is UTF-8 (a BOM is skipped).
        var bytes = [UInt8](data)
        guard !bytes.contains(0) else { throw Problem.invalidJSON(detail: "the document is not UTF-8 (it contains NUL bytes)") }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        enum Frame { case object(Set<String>), array }
        var stack: [Frame] = []
        var expectingKey = false
        var pendingTopKey: String? = nil
        var members: [(key: String, kind: JSONKind)] = []
        var i = 0
        func record(_ kind: JSONKind) {
            if stack.count == 1, let key = pendingTopKey { members.append((key, kind)); pendingTopKey = nil }
        }
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case 0x20, 0x09, 0x0A, 0x0D, 0x3A: i += 1  // whitespace and ':'
            case 0x7B, 0x5B:  // '{' '['
                if stack.isEmpty && c != 0x7B { throw Problem.notAnObject }
                record(c == 0x7B ? .object : .array)
                guard stack.count < depthLimit else { throw Problem.tooDeep(limit: depthLimit) }
                stack.append(c == 0x7B ? .object([]) : .array)
                expectingKey = c == 0x7B
                i += 1
            case 0x7D, 0x5D:  // '}' ']'
                stack.removeLast()
                expectingKey = false
                i += 1
            case 0x2C:  // ','
                if case .object = stack.last { expectingKey = true }
                i += 1
            case 0x22:  // '"'
                let start = i
                i += 1
                var escaped = false
                while i < bytes.count && bytes[i] != 0x22 {
                    if bytes[i] == 0x5C { escaped = true; i += 1 }
                    i += 1
                }
                i += 1
                if expectingKey, case .object(var keys) = stack.last {
                    let key = try keyString(bytes[start..<min(i, bytes.count)], escaped: escaped)
                    guard keys.insert(key).inserted else { throw Problem.duplicateKey(key) }
                    stack[stack.count - 1] = .object(keys)
                    expectingKey = false
                    if stack.count == 1 { pendingTopKey = key }
                } else {
                    if stack.isEmpty { throw Problem.notAnObject }
                    record(.string)
                }
            default:  // a number or a literal: runs to the next structural byte
                if stack.isEmpty { throw Problem.notAnObject }
                record(c == 0x74 || c == 0x66 ? .boolean : c == 0x6E ? .null : .number)
                while i < bytes.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
            }
        }
        return members
    }

    /// A key's text; escapes (`\u0061`, `\"`) are decoded so that `"a"` and `"\u0061"` count as one key.
    static func keyString(_ quoted: ArraySlice<UInt8>, escaped: Bool) throws -> String {
        guard escaped else { return String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self) }
        let value: Any
        do { value = try JSONSerialization.jsonObject(with: Data(quoted), options: .fragmentsAllowed) } catch {
            throw Problem.invalidJSON(detail: "key \(String(decoding: quoted, as: UTF8.self)): \(parserMessage(error))")
        }
        guard let s = value as? String else {
            throw Problem.invalidJSON(detail: "key \(String(decoding: quoted, as: UTF8.self)) is not a string")
        }
        return s
    }

    /// The parser's description of a `JSONSerialization` error (its debug description when given).
    public static func parserMessage(_ error: Error) -> String {
        (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
    }
}
