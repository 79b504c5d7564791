// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

extension PeerProcess {
    /// Runs `script` once (`--runs 1 --warmup 0`) with `--save-outputs FILE` and
    /// returns what it printed and the array it saved there.
    func runSavingOutputs(script: String, implementation: String, measure: String, workload: String,
                          extraArguments: [String] = []) throws -> (result: Result, outputs: Tensor) {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("resode-bench-\(workload)-\(implementation)-\(ProcessInfo.processInfo.processIdentifier).npy")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try run(script: script, arguments: [
            "--impl", implementation, "--measure", measure, "--workload", workload,
            "--runs", "1", "--warmup", "0", "--save-outputs", file.path,
        ] + extraArguments)
        return (result, try NumPy.readArray(from: file))
    }
}

extension PeerProcess.Result {
    /// An integer field of the peer's JSON line (`nfe`, `steps`, …).
    func integer(_ key: String) -> Int? {
        (fields[key] as? NSNumber)?.intValue
    }
}
