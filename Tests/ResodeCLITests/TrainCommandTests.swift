// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NumPyIO
import Testing
import TensorCore

@Suite("resode train writes what resode eval accepts")
struct TrainCommandTests {
    @Test("a trained resnet and a trained node folder are evaluated by resode eval unchanged", arguments: ["resnet", "node"])
    func trainedFolderIsEvaluable(_ model: String) throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run")
        let train = try ResodeProcess.run(["train", "--model", model, "--dataset", "moons", "--samples", "200", "--depth", "3",
                                           "--dim", "3", "--hidden", "8", "--epochs", "2", "--solver", "dopri5",
                                           "--out", out.path])
        #expect(train.status == 0, "\(train.standardError)")
        for file in ["spec.json", "weights.npz", "head.npz", "metrics.csv", "metrics.json", "run.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
        let csv = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 3)  // header + 2 epochs
        if model == "node" { #expect(csv.contains("forward_evaluations") && csv.contains("backward_evaluations")) }
        // Moons has 2 features; zero padding to dim 3 is what the body sees.
        let x = try Tensor(shape: [4, 3], scalars: [0.1, 0.2, 0, -1, 0.5, 0, 0.3, -0.2, 0, 1.5, 0.1, 0])
        try NumPy.writeArray(x, to: dir.appendingPathComponent("x.npy"))
        let eval = try ResodeProcess.run(["eval", "--spec", out.appendingPathComponent("spec.json").path,
                                          "--weights", out.appendingPathComponent("weights.npz").path,
                                          "--input", dir.appendingPathComponent("x.npy").path,
                                          "--output", dir.appendingPathComponent("y.npy").path])
        #expect(eval.status == 0, "\(eval.standardError)")
        #expect(try NumPy.readArray(from: dir.appendingPathComponent("y.npy")).shape == [4, 3])
    }

    @Test("a diverging run stops with a non-zero status naming the epoch and batch")
    func divergingRunFails() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try ResodeProcess.run(["train", "--dataset", "moons", "--samples", "200", "--depth", "3", "--epochs", "3",
                                       "--optimizer", "sgd", "--lr", "1e12", "--schedule", "constant",
                                       "--out", dir.appendingPathComponent("run").path])
        #expect(r.status != 0)
        #expect(r.standardError.contains("epoch") && r.standardError.contains("batch"), "\(r.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "a failed run left files behind")
    }

    @Test("an unknown option value is named")
    func badOptionValue() throws {
        let r = try ResodeProcess.run(["train", "--dataset", "moons", "--scheme", "rk5", "--epochs", "1", "--out", "/tmp/resode-never-written"])
        #expect(!FileManager.default.fileExists(atPath: "/tmp/resode-never-written"))
        #expect(r.status != 0)
        #expect(r.standardError.contains("rk5"))
    }
}
