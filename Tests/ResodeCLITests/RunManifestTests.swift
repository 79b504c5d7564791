// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
@testable import resode

@Suite("CLI helpers: manifest hash, memory sizes, temporary names")
struct RunManifestTests {
    @Test("FNV-1a 64 matches the published test vectors ('', 'a', 'foobar')")
    func fnvVectors() {
        #expect(RunManifest.hex(Data()) == "cbf29ce484222325")
        #expect(RunManifest.hex(Data("a".utf8)) == "af63dc4c8601ec8c")
        #expect(RunManifest.hex(Data("foobar".utf8)) == "85944171f73967e8")
    }

    @Test("a manifest lists every regular file but itself and catches a changed byte")
    func manifestCatchesChanges() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("spec".utf8).write(to: dir.appendingPathComponent("spec.json"))
        try Data("weights".utf8).write(to: dir.appendingPathComponent("weights.npz"))
        let manifest = try RunManifest.of(folder: dir)
        try manifest.encoded().write(to: dir.appendingPathComponent(RunManifest.fileName))
        #expect(try RunManifest.read(in: dir) == manifest)
        #expect(Set(manifest.files.keys) == ["spec.json", "weights.npz"])
        try manifest.verify(["spec.json", "weights.npz"], in: dir)
        try Data("weightz".utf8).write(to: dir.appendingPathComponent("weights.npz"))
        #expect(throws: CLIError.self) { try manifest.verify(["weights.npz"], in: dir) }
        #expect(throws: CLIError.self) { try manifest.verify(["head.npz"], in: dir) }
    }

    @Test("--max-memory takes binary suffixes, at least 1 MiB, and refuses junk and overflow")
    func memorySizes() {
        #expect(MemorySize(argument: "512M")?.bytes == 512 << 20)
        #expect(MemorySize(argument: "2g")?.bytes == 2 << 30)
        #expect(MemorySize(argument: "1TB")?.bytes == 1 << 40)
        #expect(MemorySize(argument: "1048576")?.bytes == 1 << 20)
        for bad in ["10", "1K", "-1G", "G", "1.5G", "99999999999T", ""] { #expect(MemorySize(argument: bad) == nil, "\(bad)") }
    }

    @Test("temporary names carry their process id; other names have none")
    func temporaryNames() {
        #expect(TemporaryNames.owner(of: ".Y.npy.resode-tmp-1234") == 1234)
        #expect(TemporaryNames.owner(of: ".run.resode-old-77") == 77)
        #expect(TemporaryNames.owner(of: "Y.npy.resode-tmp-1234") == nil)
        #expect(TemporaryNames.owner(of: ".run.resode-partial") == nil)
        #expect(TemporaryNames.owner(of: ".Y.npy.resode-tmp-x") == nil)
    }
}
