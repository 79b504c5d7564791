// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// The `Benchmarks/` folder: inputs in `data/`, peer scripts in `peers/`.
struct BenchmarkData {
    let directory: URL
    var peerScripts: URL { directory.deletingLastPathComponent().appendingPathComponent("peers", isDirectory: true) }

    /// `explicit`, else `Benchmarks/data` found from the working directory or
    /// from the executable's location (`.build-*/release/resode-bench`) upwards.
    init(explicit: URL?) throws {
        if let explicit {
            directory = explicit.standardizedFileURL
            return
        }
        let fileManager = FileManager.default
        var starts = [URL(fileURLWithPath: fileManager.currentDirectoryPath, isDirectory: true)]
        if let executable = Bundle.main.executableURL { starts.append(executable.resolvingSymlinksInPath()) }
        for start in starts {
            var folder = start
            for _ in 0..<6 {
                for candidate in [folder.appendingPathComponent("Benchmarks/data"), folder.appendingPathComponent("data")]
                where fileManager.fileExists(atPath: candidate.appendingPathComponent("w1_x.npy").path) {
                    directory = candidate.standardizedFileURL
                    return
                }
                folder = folder.deletingLastPathComponent()
            }
        }
        throw BenchmarkError.missingInput(path: "Benchmarks/data/w1_x.npy")
    }

    /// Reads `name.npy` from the data folder.
    func array(_ name: String) throws -> Tensor {
        let url = directory.appendingPathComponent(name + ".npy")
        guard FileManager.default.fileExists(atPath: url.path) else { throw BenchmarkError.missingInput(path: url.path) }
        return try NumPy.readArray(from: url)
    }
}
