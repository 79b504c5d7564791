// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NumPyIO
import Testing
import TensorCore

/// `resode eval` with "model": "conv-resnet" against fixtures computed independently
/// in PyTorch float64 (Fixtures/make_conv_resnet_fixtures.py): a tiny CIFAR-style
/// ResNet (two blocks per stage, projection shortcuts, h = 0.7) and its plain twin.
@Suite("resode eval on convolutional ResNets matches PyTorch")
struct ConvolutionalEvalTests {
    func fixture(_ name: String, _ file: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/\(name)/\(file)", withExtension: nil)
            ?? Bundle.module.bundleURL.appendingPathComponent("Fixtures/\(name)/\(file)")
    }

    @Test("logits and every gradient of ½ΣY² match PyTorch to 1e-10", arguments: ["conv-resnet", "conv-plain"])
    func matchesPyTorch(_ name: String) throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let y = dir.appendingPathComponent("Y.npy"), g = dir.appendingPathComponent("G.npz")
        let r = try ResodeProcess.run(["eval", "--spec", fixture(name, "spec.json").path, "--weights", fixture(name, "weights.npz").path,
                                       "--input", fixture(name, "input.npy").path, "--output", y.path, "--grad", g.path])
        #expect(r.status == 0, "\(r.standardError)")
        let output = try NumPy.readArray(from: y)
        let expected = try NumPy.readArray(from: fixture(name, "expected_output.npy"))
        #expect(output.isApproximatelyEqual(to: expected, relativeTolerance: 1e-10, absoluteTolerance: 1e-12))
        let grads = try NumPy.readArchive(from: g)
        let expectedGrads = try NumPy.readArchive(from: fixture(name, "expected_grad.npz"))
        #expect(Set(grads.map(\.name)) == Set(expectedGrads.map(\.name)))
        for entry in expectedGrads {
            let got = try #require(grads[entry.name])
            #expect(got.isApproximatelyEqual(to: entry.tensor, relativeTolerance: 1e-10, absoluteTolerance: 1e-12), "\(name): \(entry.name)")
        }
    }

    @Test("a missing or mis-shaped weight, a bad field or a wrong image shape is one line naming it")
    func badInputs() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let name = "conv-resnet"
        let weights = try NumPy.readArchive(from: fixture(name, "weights.npz"))
        func run(spec: URL? = nil, weights w: NumPyArchive? = nil, input: Tensor? = nil) throws -> (Int32, String) {
            var weightsURL = fixture(name, "weights.npz"), inputURL = fixture(name, "input.npy")
            if let w { weightsURL = dir.appendingPathComponent("w.npz"); try NumPy.writeArchive(w, to: weightsURL) }
            if let input { inputURL = dir.appendingPathComponent("x.npy"); try NumPy.writeArray(input, to: inputURL) }
            let r = try ResodeProcess.run(["eval", "--spec", (spec ?? fixture(name, "spec.json")).path, "--weights", weightsURL.path,
                                           "--input", inputURL.path, "--output", dir.appendingPathComponent("Y.npy").path])
            return (r.status, r.standardError.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let withoutOne = try NumPyArchive(weights.filter { $0.name != "layer2.0.shortcut.1.running_var" }.map { ($0.name, $0.tensor) })
        var (status, message) = try run(weights: withoutOne)
        #expect(status != 0 && message.contains("layer2.0.shortcut.1.running_var") && !message.contains("\n"), "\(message)")
        let misShaped = try NumPyArchive(try weights.map { ($0.name, $0.name == "fc.weight" ? try Tensor.zeros([2, 5]) : $0.tensor) })
        (status, message) = try run(weights: misShaped)
        #expect(status != 0 && message.contains("fc.weight") && message.contains("[2, 5]"), "\(message)")
        let spec = dir.appendingPathComponent("spec.json")
        try Data(#"{"model": "conv-resnet", "in_channels": 2, "height": 6, "width": 6, "classes": 3, "blocks_per_stage": 2, "widths": [3, 4, 5], "h": 0.7, "norm": "layer"}"#.utf8).write(to: spec)
        (status, message) = try run(spec: spec)
        #expect(status != 0 && message.contains("'norm'"), "\(message)")
        (status, message) = try run(input: try Tensor.zeros([1, 2, 5, 6]))
        #expect(status != 0 && message.contains("[1, 2, 5, 6]"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("Y.npy").path))
    }
}
