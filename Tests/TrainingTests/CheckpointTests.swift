// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import NetworkLayers
import TensorCore
@testable import Training

@Suite("Checkpoints: spec.json and weights.npz")
struct CheckpointTests {
    private func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("CheckpointTests-\(UUID().uuidString)")
    }

    @Test("write then read gives back the spec bytes and every named weight exactly, leaving only the two files")
    func roundTrip() throws {
        let directory = temporaryDirectory().appendingPathComponent("nested")
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        var generator = SeededGenerator(seed: 1)
        let parameters = try ParameterList(
            names: ["blocks.0.linear1.weight", "blocks.0.linear1.bias", "scale"],
            values: [Tensor.randomNormal([3, 2], using: &generator), Tensor([-0.0, .pi, 1e-300]), Tensor(2.5)])
        let spec = Data(#"{"depth": 3, "scheme": "euler"}"#.utf8)
        try Checkpoint.write(specJSON: spec, parameters: parameters, to: directory)
        try Checkpoint.write(specJSON: spec, parameters: parameters, to: directory)   // overwriting works too
        let (readSpec, weights) = try Checkpoint.read(from: directory)
        #expect(readSpec == spec)
        #expect(weights.count == 3)
        for (name, value) in zip(parameters.names, parameters.values) {
            let read = try #require(weights[name])
            #expect(read.shape == value.shape)
            #expect(read.scalars.map(\.bitPattern) == value.scalars.map(\.bitPattern))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["spec.json", "weights.npz"])
    }

    @Test("a spec that is not JSON, and a directory without the files, are typed errors")
    func errors() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let parameters = try ParameterList(names: ["w"], values: [Tensor([1])])
        #expect(throws: TrainingError.self) {
            try Checkpoint.write(specJSON: Data("{not json".utf8), parameters: parameters, to: directory)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        #expect(throws: TrainingError.invalidCheckpoint(path: directory.path, reason: "spec.json is missing")) {
            try Checkpoint.read(from: directory)
        }
    }
}
