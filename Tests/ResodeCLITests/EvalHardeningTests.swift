// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NumPyIO
import Testing
import TensorCore

/// `resode eval` against issue 12's hostile inputs and output targets.
@Suite("resode eval: budgets, strict specs, finite values, all-or-nothing outputs, run folders")
struct EvalHardeningTests {
    func fixture(_ file: String, _ name: String = "resnet-euler-tanh") -> URL { HostileInputTests.fixture(name, file) }

    func refusal(_ r: ResodeProcess.Result, _ needles: [String], _ label: String) {
        HostileInputTests().expectRefusal(r, needles, label)
    }

    func eval(spec: URL? = nil, weights: URL? = nil, input: URL? = nil, output: String, grad: String? = nil,
              extra: [String] = []) throws -> ResodeProcess.Result {
        var args = ["eval", "--spec", (spec ?? fixture("spec.json")).path, "--weights", (weights ?? fixture("weights.npz")).path,
                    "--input", (input ?? fixture("input.npy")).path, "--output", output]
        if let grad { args += ["--grad", grad] }
        return try ResodeProcess.run(args + extra, timeout: 30)
    }

    static let specCases: [(String, [String])] = [
        (#"{"model": "resnet", "dim": 3, "hidden": 5, "depth": 1000000000}"#, ["weights", "--max-memory"]),
        (#"{"model": "resnet", "dim": 3, "hidden": 5, "depth": 1000000000, "tied": true}"#, ["evaluations", "--max-evaluations"]),
        (#"{"model": "node", "dim": 3, "hidden": 5, "solver": "euler", "steps": 1000000000000}"#, ["evaluations", "--max-evaluations"]),
        (#"{"model": "resnet", "dim": 3, "hidden": 5, "depth": 3, "depth": 4}"#, ["'depth'", "more than once"]),
        (#"{"model": 5, "dim": 3}"#, ["'model' must be a string, got a number"]),
        (#"{"model": "resnet", "dim": "3", "hidden": 5, "depth": 3}"#, ["'dim'", "must be a number, got a string"]),
        (#"{"model": "node", "dim": 3, "hidden": 5, "time_input": 1}"#, ["'time_input'", "must be a boolean, got a number"]),
        (#"[1, 2]"#, ["JSON object"]),
    ]

    @Test("bad specs: depth 10⁹ untied or tied, node steps 10¹², repeated keys, wrong types", arguments: 0..<specCases.count)
    func specRefusals(_ index: Int) throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (json, needles) = Self.specCases[index]
        let spec = dir.appendingPathComponent("spec.json")
        try Data(json.utf8).write(to: spec)
        let y = dir.appendingPathComponent("Y.npy")
        refusal(try eval(spec: spec, output: y.path), needles, json)
        #expect(!FileManager.default.fileExists(atPath: y.path))
    }

    @Test("non-finite weights are refused naming the key; 1e150 weights that overflow are refused naming the output")
    func nonFiniteWeights() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(fixture: String, key: String?, value: Double, needles: [String])] = [
            ("resnet-euler-tanh", "blocks.1.linear2.weight", .nan, ["blocks.1.linear2.weight", "nan"]),
            ("resnet-euler-tanh", "blocks.1.linear2.weight", -.infinity, ["blocks.1.linear2.weight", "-inf"]),
            // Every weight 1e150 in a ReLU network: the second layer's products exceed the largest Double.
            ("plain-relu", nil, 1e150, ["output", "overflowed", "1e+150"]),
        ]
        for c in cases {
            let original = try NumPy.readArchive(from: fixture("weights.npz", c.fixture))
            let entries = try original.map { entry in
                (entry.name, c.key == nil || c.key == entry.name
                    ? try Tensor(shape: entry.tensor.shape, scalars: entry.tensor.scalars.map { _ in c.value }) : entry.tensor)
            }
            let w = dir.appendingPathComponent("w.npz")
            try NumPy.writeArchive(NumPyArchive(entries), to: w)
            let y = dir.appendingPathComponent("Y.npy"), g = dir.appendingPathComponent("G.npz")
            refusal(try eval(spec: fixture("spec.json", c.fixture), weights: w, input: fixture("input.npy", c.fixture),
                             output: y.path, grad: g.path), c.needles, "\(c.value)")
            #expect(!FileManager.default.fileExists(atPath: y.path) && !FileManager.default.fileExists(atPath: g.path))
        }
    }

    @Test("a large member the spec does not use is refused by name without being inflated; depth 10⁹ with a raised budget is answered from the counts")
    func unusedMemberAndCounts() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try NumPy.readArchive(from: fixture("weights.npz"))
        // 80 MB of zeros deflates to well under 1 MB; inflating it would exceed the 32 MiB budget.
        let padded = try NumPyArchive(original.map { ($0.name, $0.tensor) } + [("unused", try Tensor.zeros([10_000_000]))])
        let w = dir.appendingPathComponent("w.npz")
        try NumPy.writeArchive(padded, to: w, compressed: true)
        let y = dir.appendingPathComponent("Y.npy")
        refusal(try eval(weights: w, output: y.path, extra: ["--max-memory", "32M"]), ["'unused'", "does not belong"], "unused member")
        let spec = dir.appendingPathComponent("spec.json")
        try Data(#"{"model": "resnet", "dim": 3, "hidden": 5, "depth": 1000000000}"#.utf8).write(to: spec)
        refusal(try eval(spec: spec, output: y.path, extra: ["--max-memory", "1024T", "--max-evaluations", "2000000000"]),
                ["4000000000 arrays", "holds 12"], "depth 10⁹, budget raised")
        #expect(!FileManager.default.fileExists(atPath: y.path))
    }

    @Test("--grad into a missing folder fails before Y.npy is touched; a good run writes both")
    func bothOrNeither() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let y = dir.appendingPathComponent("Y.npy")
        try Data("old".utf8).write(to: y)
        refusal(try eval(output: y.path, grad: dir.appendingPathComponent("missing/G.npz").path), ["--grad", "does not exist"], "missing folder")
        #expect(try Data(contentsOf: y) == Data("old".utf8))
        let ok = try eval(output: y.path, grad: dir.appendingPathComponent("G.npz").path)
        #expect(ok.status == 0, "\(ok.standardError)")
        #expect(try NumPy.readArray(from: y).shape.count == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["G.npz", "Y.npy"])
    }

    @Test("device, FIFO and symbolic-link targets are refused and left as they were; '-' writes the .npy to standard output")
    func nonRegularTargets() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let target = dir.appendingPathComponent("target.npy")
        try Data("keep".utf8).write(to: target)
        let link = dir.appendingPathComponent("link.npy")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        refusal(try eval(output: "/dev/null"), ["/dev/null", "character device"], "/dev/null")
        refusal(try eval(output: fifo.path), ["FIFO"], "fifo")
        refusal(try eval(output: link.path), ["symbolic link"], "symlink")
        refusal(try eval(input: fifo, output: dir.appendingPathComponent("y.npy").path), ["input", "FIFO"], "fifo input")
        #expect(FileManager.default.fileExists(atPath: "/dev/null"))
        #expect(try Data(contentsOf: target) == Data("keep".utf8))
        let stdout = try eval(output: "-")
        #expect(stdout.status == 0, "\(stdout.standardError)")
        let expected = try NumPy.readArray(from: fixture("expected_output.npy"))
        let got = try NumPy.decodeArray(stdout.outputData)
        #expect(got.isApproximatelyEqual(to: expected, relativeTolerance: 1e-12, absoluteTolerance: 1e-13))
    }

    @Test("eval --run accepts a trained folder; a folder mixing files of two runs is refused")
    func runFolders() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func train(_ name: String, seed: String) throws -> URL {
            let out = dir.appendingPathComponent(name)
            let r = try ResodeProcess.run(["train", "--dataset", "moons", "--samples", "100", "--depth", "2", "--dim", "3", "--hidden", "4",
                                           "--epochs", "1", "--seed", seed, "--out", out.path])
            #expect(r.status == 0, "\(r.standardError)")
            return out
        }
        let a = try train("a", seed: "1"), b = try train("b", seed: "2")
        let x = dir.appendingPathComponent("x.npy")
        try NumPy.writeArray(Tensor(shape: [2, 3], scalars: [0.1, 0.2, 0, -0.3, 0.4, 0]), to: x)
        let y = dir.appendingPathComponent("y.npy")
        let ok = try ResodeProcess.run(["eval", "--run", a.path, "--input", x.path, "--output", y.path])
        #expect(ok.status == 0, "\(ok.standardError)")
        // Mix: b's weights into a's folder.
        try FileManager.default.removeItem(at: a.appendingPathComponent("weights.npz"))
        try FileManager.default.copyItem(at: b.appendingPathComponent("weights.npz"), to: a.appendingPathComponent("weights.npz"))
        let y2 = dir.appendingPathComponent("y2.npy")
        refusal(try ResodeProcess.run(["eval", "--run", a.path, "--input", x.path, "--output", y2.path]), ["weights.npz", "manifest"], "--run mixed")
        refusal(try ResodeProcess.run(["eval", "--spec", a.appendingPathComponent("spec.json").path,
                                       "--weights", a.appendingPathComponent("weights.npz").path, "--input", x.path, "--output", y2.path]),
                ["weights.npz", "manifest"], "--spec/--weights mixed")
        #expect(!FileManager.default.fileExists(atPath: y2.path))
    }
}
