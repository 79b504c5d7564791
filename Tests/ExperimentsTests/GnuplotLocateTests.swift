// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Foundation
import Testing

/// `Gnuplot.locate` reports a gnuplot that does not run as none (its documented fallback),
/// and reads the terminal list of one that does.
@Suite("Finding gnuplot on a search path")
struct GnuplotLocateTests {
    /// A folder holding an executable shell script named `gnuplot`.
    func fakeGnuplot(_ script: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-gnuplot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let executable = directory.appendingPathComponent("gnuplot")
        try Data(("#!/bin/sh\n" + script + "\n").utf8).write(to: executable)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: executable.path)
        return directory
    }

    @Test("a gnuplot that exits with an error counts as none; one that answers gives its terminals")
    func failingAndWorkingGnuplot() throws {
        let failing = try fakeGnuplot("exit 3")
        defer { try? FileManager.default.removeItem(at: failing) }
        #expect(Gnuplot.locate(searchPath: failing.path, timeout: 20) == nil)
        let working = try fakeGnuplot("echo 'pngcairo svg dumb' >&2")
        defer { try? FileManager.default.removeItem(at: working) }
        let found = try #require(Gnuplot.locate(searchPath: "/nonexistent:" + working.path, timeout: 20))
        #expect(found.terminals == ["pngcairo", "svg", "dumb"])
        #expect(found.executable == working.appendingPathComponent("gnuplot").path)
    }
}
