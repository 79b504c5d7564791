// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// The C baseline of W2 (`Benchmarks/c-baseline/w2_gsl.c`): the same GSL solve
/// written directly in C. The runner builds it before the rounds with
/// `make -C Benchmarks/c-baseline` (`cc -O2 w2_gsl.c -lgsl -lopenblas -lm`: the
/// system OpenBLAS, never GSL's reference `-lgslcblas`), and the peer script
/// `w2_peers.py --impl c-gsl` pins the CPU and executes it.
enum CBaseline {
    /// The folder holding `w2_gsl.c` and its `Makefile`.
    static func folder(_ data: BenchmarkData) -> URL {
        data.directory.deletingLastPathComponent().appendingPathComponent("c-baseline", isDirectory: true)
    }

    /// Builds `w2_gsl` if it is missing or older than its source; returns its path.
    @discardableResult
    static func build(_ data: BenchmarkData) throws -> String {
        let folder = folder(data)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["make", "-s", "-C", folder.path, "w2_gsl"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError.peerFailed(command: "make -C \(folder.path) w2_gsl", status: process.terminationStatus,
                                            output: printed)
        }
        return folder.appendingPathComponent("w2_gsl").path
    }
}
