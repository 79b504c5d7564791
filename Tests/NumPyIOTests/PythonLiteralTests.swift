// SPDX-License-Identifier: GPL-3.0-or-later

@testable import NumPyIO
import Testing

@Test("(x) is a parenthesised value while (x,) and () are tuples, as in Python")
func parenthesesAndTuples() throws {
    #expect(try PythonLiteral.parse("(3)") == .integer(3))
    #expect(try PythonLiteral.parse("(3,)") == .tuple([.integer(3)]))
    #expect(try PythonLiteral.parse("()") == .tuple([]))
    #expect(try PythonLiteral.parse(" ( 2 , -5 , ) \n") == .tuple([.integer(2), .integer(-5)]))
}

@Test("strings take either quote and backslash escapes; integers reach Int.min and Int.max exactly")
func stringsAndIntegerLimits() throws {
    #expect(try PythonLiteral.parse(#"'it\'s'"#) == .string("it's"))
    #expect(try PythonLiteral.parse(#""a\\b\n""#) == .string("a\\b\n"))
    #expect(try PythonLiteral.parse("-9223372036854775808") == .integer(.min))
    #expect(try PythonLiteral.parse("9223372036854775807") == .integer(.max))
    #expect(throws: PythonLiteralSyntaxError.self) { try PythonLiteral.parse("9223372036854775808") }
    #expect(throws: PythonLiteralSyntaxError.self) { try PythonLiteral.parse("'unterminated") }
    #expect(throws: PythonLiteralSyntaxError.self) { try PythonLiteral.parse("{'a': 1} extra") }
}

@Test("nested dicts, lists, None and booleans parse into the matching cases")
func nestedValues() throws {
    let parsed = try PythonLiteral.parse("{'k': [None, True, {'x': False}]}")
    #expect(parsed == .dictionary([.init(key: .string("k"), value: .list([
        .none, .boolean(true), .dictionary([.init(key: .string("x"), value: .boolean(false))]),
    ]))]))
}
