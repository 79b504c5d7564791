// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// Runs the `resode` executable built next to the test bundle.
struct ResodeProcess {
    struct Result {
        let status: Int32
        let standardOutput: String
        let standardError: String
        /// Wall-clock seconds from start to exit.
        var seconds: Double = 0
        /// The standard output's raw bytes (for `--output -`).
        var outputData = Data()
    }

    static var executable: URL {
        // The fixtures bundle and the executable are both products in the build folder.
        Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("resode")
    }

    /// Runs to the end; a run still going after `timeout` seconds is killed (its result then
    /// shows `seconds ≥ timeout` and a signal status), so a runaway case fails instead of hanging.
    static func run(_ arguments: [String], timeout: Double = 600) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let start = Date()
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return Result(status: process.terminationStatus,
                      standardOutput: String(decoding: outData, as: UTF8.self),
                      standardError: String(decoding: errData, as: UTF8.self),
                      seconds: Date().timeIntervalSince(start), outputData: outData)
    }

    /// Starts a run in the background with its output discarded; the caller kills or waits for it.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("resode-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
