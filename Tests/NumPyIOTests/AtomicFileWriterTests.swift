// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import NumPyIO
import Testing
import TensorCore

private func contents(of directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

@Test("writing an array and an archive leaves exactly the target files, no temporary file")
func atomicWritesLeaveNoTemporaryFile() throws {
    let directory = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try NumPy.writeArray(Tensor([1, 2, 3]), to: directory.appendingPathComponent("a.npy"))
    try NumPy.writeArchive(["x": Tensor(1)], to: directory.appendingPathComponent("b.npz"))
    try NumPy.writeArchive(["x": Tensor(2)], to: directory.appendingPathComponent("b.npz"), compressed: true)
    #expect(try contents(of: directory) == ["a.npy", "b.npz"])
}

@Test("overwriting a longer file replaces it entirely, leaving no stale tail")
func overwriteReplacesWholeFile() throws {
    let directory = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("w.npy")
    try NumPy.writeArray(Tensor.zeros([100, 100]), to: url)
    let small = Tensor([4.25])
    try NumPy.writeArray(small, to: url)
    #expect(try Data(contentsOf: url) == NumPy.encodeArray(small))
    #expect(try NumPy.readArray(from: url) == small)
}

@Test("when the rename fails the target is untouched and the temporary file is removed")
func failedRenameLeavesNothingBehind() throws {
    let directory = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // A non-empty directory cannot be replaced by a file.
    let target = directory.appendingPathComponent("occupied.npy")
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
    try Data("keep".utf8).write(to: target.appendingPathComponent("inside"))
    let error = #expect(throws: NumPyFileError.self) { try NumPy.writeArray(Tensor([1]), to: target) }
    guard case let .cannotReplace(path, _)? = error else {
        Issue.record("expected cannotReplace, got \(String(describing: error))")
        return
    }
    #expect(path == target.standardizedFileURL.path)
    #expect(try contents(of: directory) == ["occupied.npy"])
    #expect(try contents(of: target) == ["inside"])
}

@Test("writing into a directory that does not exist throws and creates nothing")
func missingDirectoryThrows() throws {
    let directory = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let target = directory.appendingPathComponent("missing/w.npy")
    #expect(throws: (any Error).self) { try NumPy.writeArray(Tensor([1]), to: target) }
    #expect(try contents(of: directory).isEmpty)
}
