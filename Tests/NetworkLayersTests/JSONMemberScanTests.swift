// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import NetworkLayers
import TensorCore

@Suite("JSONMemberScan: repeated keys and member types")
struct JSONMemberScanTests {
    @Test("a key repeated at any depth is named, escaped spellings included")
    func duplicates() {
        let cases: [(String, String)] = [
            (#"{"depth": 3, "depth": 4}"#, "depth"),
            (#"{"a": {"b": 1, "b": 2}}"#, "b"),
            (#"{"a": [{"c": 1, "c": 1}]}"#, "c"),
            (#"{"model": "x", "\u006dodel": "y"}"#, "model"),
        ]
        for (json, key) in cases {
            #expect(throws: JSONMemberScan.Problem.duplicateKey(key)) { try JSONMemberScan.topLevelMembers(of: Data(json.utf8)) }
        }
    }

    @Test("top-level members come with their JSON types; the same key in sibling objects is fine")
    func kinds() throws {
        let json = #"{"s": "a,}\"b", "n": -1.5e3, "t": true, "f": false, "z": null, "o": {"k": 1}, "a": [{"k": 1}, {"k": 2}]}"#
        let members = try JSONMemberScan.topLevelMembers(of: Data(json.utf8))
        #expect(members.map(\.key) == ["s", "n", "t", "f", "z", "o", "a"])
        #expect(members.map(\.kind) == [.string, .number, .boolean, .boolean, .null, .object, .array])
        #expect(throws: JSONMemberScan.Problem.notAnObject) { try JSONMemberScan.topLevelMembers(of: Data("[1]".utf8)) }
        // A parse error keeps the parser's own detail in the message.
        #expect {
            try JSONMemberScan.topLevelMembers(of: Data("{\"a\": ".utf8))
        } throws: { error in
            guard case .invalidJSON(let detail) = error as? JSONMemberScan.Problem else { return false }
            return !detail.isEmpty && "\(error)".hasPrefix("not valid JSON (UTF-8): ")
        }
        // UTF-16 is refused (the byte scan reads UTF-8); a UTF-8 byte-order mark is skipped.
        let utf16 = try #require(#"{"a": 1, "a": 2}"#.data(using: .utf16LittleEndian))
        #expect(throws: JSONMemberScan.Problem.invalidJSON(detail: "the document is not UTF-8 (it contains NUL bytes)")) {
            try JSONMemberScan.topLevelMembers(of: utf16)
        }
        #expect(try JSONMemberScan.topLevelMembers(of: Data([0xEF, 0xBB, 0xBF] + Array(#"{"a": 1}"#.utf8))).map(\.key) == ["a"])
        let deep = String(repeating: "{\"a\": ", count: 70) + "1" + String(repeating: "}", count: 70)
        #expect(throws: JSONMemberScan.Problem.tooDeep(limit: JSONMemberScan.depthLimit)) {
            try JSONMemberScan.topLevelMembers(of: Data(deep.utf8))
        }
    }
}

@Suite("JSONMemberScan against JSONSerialization on generated documents")
struct JSONMemberScanPropertyTests {
    /// A random JSON value up to `depth` levels deep, with keys that need escaping now and then.
    static func value(_ g: inout SeededGenerator, depth: Int) -> Any {
        switch g.nextIndex(below: depth > 0 ? 7 : 5) {
        case 0: return g.nextUniform() * 2000 - 1000
        case 1: return g.nextIndex(below: 2) == 0
        case 2: return NSNull()
        case 3: return key(&g) + "}],\"\\"
        case 4: return g.nextIndex(below: 100)
        case 5: return (0..<g.nextIndex(below: 4)).map { _ in value(&g, depth: depth - 1) }
        default: return object(&g, depth: depth - 1)
        }
    }

    static func key(_ g: inout SeededGenerator) -> String {
        let alphabet = Array("ab\"\\/é\n\t{}[],: ")
        return String((0..<(1 + g.nextIndex(below: 4))).map { _ in alphabet[g.nextIndex(below: alphabet.count)] })
    }

    static func object(_ g: inout SeededGenerator, depth: Int) -> [String: Any] {
        var o: [String: Any] = [:]
        for _ in 0..<g.nextIndex(below: 5) { o[key(&g)] = value(&g, depth: depth) }
        return o
    }

    static func kind(_ v: Any) -> JSONKind {
        switch v {
        case is [String: Any]: return .object
        case is [Any]: return .array
        case is String: return .string
        case is NSNull: return .null
        case is Bool: return .boolean
        default: return .number
        }
    }

    @Test("2000 generated objects: the scan finds no duplicate and the same top-level keys and types")
    func agreesWithFoundation() throws {
        var g = SeededGenerator(seed: 12)
        for _ in 0..<2000 {
            let object = Self.object(&g, depth: 3)
            let data = try JSONSerialization.data(withJSONObject: object)
            let members = try JSONMemberScan.topLevelMembers(of: data)
            #expect(Set(members.map(\.key)) == Set(object.keys) && members.count == object.count, "\(String(decoding: data, as: UTF8.self))")
            for (key, kind) in members { #expect(kind == Self.kind(object[key] as Any), "\(key)") }
        }
    }

    @Test("5000 corrupted documents (bytes replaced, cut, duplicated): the scan returns or throws, never traps")
    func survivesCorruption() throws {
        var g = SeededGenerator(seed: 13)
        for _ in 0..<5000 {
            var bytes = [UInt8](try JSONSerialization.data(withJSONObject: Self.object(&g, depth: 3)))
            guard !bytes.isEmpty else { continue }
            switch g.nextIndex(below: 3) {
            case 0: bytes[g.nextIndex(below: bytes.count)] = UInt8(g.nextIndex(below: 256))
            case 1: bytes.removeLast(g.nextIndex(below: bytes.count))
            default:
                let i = g.nextIndex(below: bytes.count), j = g.nextIndex(below: bytes.count)
                bytes.insert(contentsOf: bytes[min(i, j)..<max(i, j)], at: max(i, j))
            }
            _ = try? JSONMemberScan.topLevelMembers(of: Data(bytes))
        }
    }
}
