// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
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
        #expect(throws: JSONMemberScan.Problem.invalidJSON) { try JSONMemberScan.topLevelMembers(of: Data("{\"a\": ".utf8)) }
        let deep = String(repeating: "{\"a\": ", count: 70) + "1" + String(repeating: "}", count: 70)
        #expect(throws: JSONMemberScan.Problem.tooDeep(limit: JSONMemberScan.depthLimit)) {
            try JSONMemberScan.topLevelMembers(of: Data(deep.utf8))
        }
    }
}
