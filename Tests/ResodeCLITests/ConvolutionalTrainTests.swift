// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NumPyIO
import Testing
import TensorCore

@Suite("resode train --model conv-resnet writes what resode eval accepts")
struct ConvolutionalTrainTests {
    @Test("a trained conv ResNet-8 on digits is evaluated by resode eval on [N, 1, 8, 8] images")
    func trainedConvolutionalFolderIsEvaluable() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run")
        let train = try ResodeProcess.run(["train", "--model", "conv-resnet", "--dataset", "digits", "--depth", "8", "--epochs", "1",
                                           "--batch-size", "64", "--out", out.path])
        #expect(train.status == 0, "\(train.standardError)")
        let spec = try String(contentsOf: out.appendingPathComponent("spec.json"), encoding: .utf8)
        #expect(spec.contains("\"conv-resnet\"") && spec.contains("\"blocks_per_stage\" : 1"))
        let weights = try NumPy.readArchive(from: out.appendingPathComponent("weights.npz"))
        #expect(weights["layer2.0.shortcut.1.running_var"] != nil && weights["fc.weight"]?.shape == [10, 64])
        var rng = SeededGenerator(seed: 1)
        try NumPy.writeArray(try Tensor.randomUniform([4, 1, 8, 8], using: &rng), to: dir.appendingPathComponent("x.npy"))
        let eval = try ResodeProcess.run(["eval", "--spec", out.appendingPathComponent("spec.json").path,
                                          "--weights", out.appendingPathComponent("weights.npz").path,
                                          "--input", dir.appendingPathComponent("x.npy").path,
                                          "--output", dir.appendingPathComponent("y.npy").path,
                                          "--grad", dir.appendingPathComponent("g.npz").path])
        #expect(eval.status == 0, "\(eval.standardError)")
        #expect(try NumPy.readArray(from: dir.appendingPathComponent("y.npy")).shape == [4, 10])
        #expect(try NumPy.readArchive(from: dir.appendingPathComponent("g.npz"))["input"]?.shape == [4, 1, 8, 8])
        let bad = try ResodeProcess.run(["train", "--model", "conv-plain", "--dataset", "moons", "--out", dir.appendingPathComponent("x").path])
        #expect(bad.status != 0 && bad.standardError.contains("--dataset"))
    }

    @Test("a missing MNIST folder or CIFAR-10 batch is one line naming the file")
    func missingDataFiles() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mnist = try ResodeProcess.run(["train", "--model", "conv-resnet", "--dataset", "mnist", "--data-dir", dir.path,
                                           "--out", dir.appendingPathComponent("a").path])
        #expect(mnist.status != 0 && mnist.standardError.contains("train-images-idx3-ubyte"), "\(mnist.standardError)")
        let cifar = try ResodeProcess.run(["train", "--model", "conv-resnet", "--dataset", "cifar10", "--data-dir", dir.path,
                                           "--out", dir.appendingPathComponent("b").path])
        #expect(cifar.status != 0 && cifar.standardError.contains("data_batch_1.bin"), "\(cifar.standardError)")
        let noFolder = try ResodeProcess.run(["train", "--model", "conv-resnet", "--dataset", "mnist"])
        #expect(noFolder.status != 0 && noFolder.standardError.contains("--data-dir"))
    }
}
