// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NumPyIO
import Testing
import TensorCore

/// `resode eval` against fixtures whose outputs and gradients were computed
/// independently with NumPy (Fixtures/make_eval_fixtures.py, forward and
/// hand-written reverse sweep through every Runge–Kutta stage).
@Suite("resode eval honours its contract")
struct EvalContractTests {
    static let fixtures = ["resnet-euler-tanh", "resnet-heun-softplus", "resnet-midpoint-tied",
                           "resnet-rk4-tied-softplus", "plain-relu", "node-rk4-fixed"]

    func fixture(_ name: String, _ file: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/\(name)/\(file)", withExtension: nil)
            ?? Bundle.module.bundleURL.appendingPathComponent("Fixtures/\(name)/\(file)")
    }

    /// Runs `resode eval --grad` on a fixture; returns the output, the gradients and the expected output.
    func evaluate(_ name: String) throws -> (output: Tensor, gradients: NumPyArchive, expected: Tensor) {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let y = dir.appendingPathComponent("Y.npy"), g = dir.appendingPathComponent("G.npz")
        let r = try ResodeProcess.run(["eval", "--spec", fixture(name, "spec.json").path, "--weights", fixture(name, "weights.npz").path,
                                       "--input", fixture(name, "input.npy").path, "--output", y.path, "--grad", g.path])
        #expect(r.status == 0, "\(r.standardError)")
        return (try NumPy.readArray(from: y), try NumPy.readArchive(from: g),
                try NumPy.readArray(from: fixture(name, "expected_output.npy")))
    }

    @Test("outputs and gradients match NumPy to 1e-12", arguments: fixtures)
    func matchesNumPy(_ name: String) throws {
        let (output, grads, expected) = try evaluate(name)
        #expect(output.isApproximatelyEqual(to: expected, relativeTolerance: 1e-12, absoluteTolerance: 1e-13))
        let expectedGrads = try NumPy.readArchive(from: fixture(name, "expected_grad.npz"))
        #expect(Set(grads.map(\.name)) == Set(expectedGrads.map(\.name)))
        for entry in expectedGrads {
            let got = try #require(grads[entry.name])
            #expect(got.isApproximatelyEqual(to: entry.tensor, relativeTolerance: 1e-10, absoluteTolerance: 1e-12), "\(name): \(entry.name)")
        }
    }

    @Test("adaptive node solves (own dopri5, GSL rk8pd) match SciPy's DOP853 at 1e-13 within their tolerance",
          arguments: ["node-dopri5", "node-rk8pd"])
    func adaptiveNodeMatchesSciPy(_ name: String) throws {
        let (output, grads, expected) = try evaluate(name)
        let error = try (output - expected).maxNorm()
        #expect(error <= 1e-7, "\(name): max error \(error)")
        #expect(Set(grads.map(\.name)) == ["input", "f.linear1.weight", "f.linear1.bias", "f.linear2.weight", "f.linear2.bias"])
    }

    /// Runs eval on a modified copy of a fixture and returns the failure line.
    func failure(spec: String? = nil, weights: NumPyArchive? = nil, input: Tensor? = nil) throws -> (Int32, String) {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let name = "resnet-euler-tanh"
        var specURL = fixture(name, "spec.json"), weightsURL = fixture(name, "weights.npz"), inputURL = fixture(name, "input.npy")
        if let spec { specURL = dir.appendingPathComponent("spec.json"); try Data(spec.utf8).write(to: specURL) }
        if let weights { weightsURL = dir.appendingPathComponent("w.npz"); try NumPy.writeArchive(weights, to: weightsURL) }
        if let input { inputURL = dir.appendingPathComponent("x.npy"); try NumPy.writeArray(input, to: inputURL) }
        let r = try ResodeProcess.run(["eval", "--spec", specURL.path, "--weights", weightsURL.path, "--input", inputURL.path,
                                       "--output", dir.appendingPathComponent("Y.npy").path])
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("Y.npy").path))
        return (r.status, r.standardError.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("bad input exits non-zero with one line naming the key, field or value")
    func badInputs() throws {
        let base = #"{"model": "resnet", "dim": 3, "hidden": 5, "activation": "tanh", "depth": 3"#
        let weights = try NumPy.readArchive(from: fixture("resnet-euler-tanh", "weights.npz"))
        var missing = Array(weights.map { ($0.name, $0.tensor) }.filter { $0.0 != "blocks.2.linear1.bias" })
        let cases: [(String, (Int32, String))] = [
            ("colour", try failure(spec: base + #", "colour": "red"}"#)),
            ("rk5", try failure(spec: base + #", "scheme": "rk5"}"#)),
            ("'model'", try failure(spec: #"{"model": "transformer", "dim": 3}"#)),
            ("blocks.2.linear1.bias", try failure(weights: NumPyArchive(missing))),
            ("nan", try failure(input: Tensor(shape: [2, 3], scalars: [0, 1, .nan, 3, 4, 5]))),
            ("[2, 4]", try failure(input: Tensor.zeros([2, 4]))),
        ]
        missing[0].1 = try Tensor.zeros([5, 4])
        let shape = try failure(weights: NumPyArchive(missing.map { ($0.0, $0.1) } + [("blocks.2.linear1.bias", Tensor.zeros([5]))]))
        for (needle, (status, message)) in cases + [("blocks.0.linear1.weight", shape)] {
            #expect(status != 0, "\(needle)")
            #expect(message.split(separator: "\n").count == 1, "\(message)")
            #expect(message.contains(needle), "expected '\(needle)' in: \(message)")
        }
    }
}
