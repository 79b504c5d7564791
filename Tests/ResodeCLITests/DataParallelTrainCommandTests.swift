// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NumPyIO
import Testing

/// `resode train --blocks-per-batch` in one process (the multi-rank runs are in Tests/mpi/run.sh).
@Suite("resode train --blocks-per-batch")
struct DataParallelTrainCommandTests {
    @Test("One block per batch trains to the same bits as no blocking; four blocks to within 1e-12 relative")
    func blockingChangesOnlyRounding() throws {
        let directory = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let common = ["train", "--dataset", "moons", "--samples", "80", "--epochs", "2", "--hidden", "6", "--depth", "3",
                      "--batch-size", "16"]
        func weights(_ extra: [String], _ name: String) throws -> [(String, [Double])] {
            let out = directory.appendingPathComponent(name)
            let r = try ResodeProcess.run(common + extra + ["--out", out.path])
            #expect(r.status == 0, "\(r.standardError)")
            return try NumPy.readArchive(from: out.appendingPathComponent("weights.npz")).map { ($0.name, $0.tensor.scalars) }
        }
        let serial = try weights([], "serial")
        let one = try weights(["--blocks-per-batch", "1"], "one")
        let four = try weights(["--blocks-per-batch", "4"], "four")
        #expect(serial.map(\.0) == one.map(\.0) && serial.map(\.1) == one.map(\.1))
        for ((name, a), (_, b)) in zip(serial, four) {
            let scale = a.map(abs).max() ?? 0
            #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * scale }, "\(name)")
        }
    }

    @Test("A block count that is not a power of two is rejected before any file is written")
    func rejectsBadBlockCount() throws {
        let directory = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("run")
        let r = try ResodeProcess.run(["train", "--dataset", "moons", "--samples", "40", "--epochs", "1",
                                       "--blocks-per-batch", "6", "--out", out.path])
        #expect(r.status == 1)
        #expect(r.standardError.contains("--blocks-per-batch") && r.standardError.contains("power of two"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
