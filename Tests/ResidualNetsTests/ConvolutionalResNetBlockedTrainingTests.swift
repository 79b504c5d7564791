// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import NetworkLayers
import TensorCore
import Training
@testable import ResidualNets

/// Batch norm's running averages as the trainer's buffers: data-parallel blocks and checkpoints.
@Suite("Conv ResNets under data-parallel blocks and checkpoints: batch norm's running averages")
struct ConvolutionalResNetBlockedTrainingTests {
    static let spec = try! ConvolutionalResNetSpec(inputChannels: 1, height: 8, width: 8, classes: 10, blocksPerStage: 1, widths: [2, 4, 4])

    static func images(_ count: Int) throws -> ImageDataset {
        try ImageDataset(dataset: try ImageDataset.digits().dataset.subset(Array(0..<count)), channels: 1, height: 8, width: 8)
    }

    static func trained(blocks: Int?, epochs: Int = 2, learningRate: Double = 0.01, samples: Int = 96, batchSize: Int = 32,
                        configure: (inout Trainer) throws -> Void = { _ in }) throws -> ParameterList {
        var network = try ConvolutionalResNet(spec: spec, seed: 3)
        var trainer = try Trainer(optimizer: Adam(learningRate: learningRate), epochs: epochs, batchSize: batchSize, seed: 5,
                                  progress: .silent)
        if let blocks { trainer.dataParallelism = try DataParallelism(reducer: SingleProcessReducer(), blocksPerBatch: blocks) }
        try configure(&trainer)
        _ = try network.train(on: try images(samples), heldOut: nil, trainer: &trainer)
        return try network.weights
    }

    @Test("one block per batch is ordinary batch norm: parameters and running averages bit-identical to unblocked training")
    func oneBlockIsUnblocked() throws {
        let unblocked = try Self.trained(blocks: nil), blocked = try Self.trained(blocks: 1)
        #expect(unblocked.names == blocked.names)
        #expect(unblocked.names.contains("bn1.running_mean") && unblocked.names.contains("layer3.0.bn2.running_var"))
        for (name, (a, b)) in zip(unblocked.names, zip(unblocked.values, blocked.values)) {
            #expect(a.scalars == b.scalars, "\(name)")
        }
    }

    @Test("with blocks, the stem's running mean is (1 − m)·r₀ + m·(batch mean) to rounding, and the weights differ from unblocked")
    func blockedRunningMeanIsTheBatchMean() throws {
        // One batch of 64 at learning rate 0: the stem convolution sees the same inputs either way,
        // so the block-weighted running mean must equal the whole batch's.
        let whole = try Self.trained(blocks: nil, epochs: 1, learningRate: 0, samples: 64, batchSize: 64)
        let halves = try Self.trained(blocks: 4, epochs: 1, learningRate: 0, samples: 64, batchSize: 64)
        let name = "bn1.running_mean"
        let a = try #require(whole.values[whole.names.firstIndex(of: name)!].scalars as [Double]?)
        let b = halves.values[halves.names.firstIndex(of: name)!].scalars
        let scale = a.map(abs).max() ?? 0
        #expect(scale > 1e-6)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-14 * scale }, "\(a) vs \(b)")
        // Deeper layers normalise each block by its own statistics, so their running averages differ.
        let deep = "layer2.0.bn1.running_mean"
        #expect(whole.values[whole.names.firstIndex(of: deep)!].scalars != halves.values[halves.names.firstIndex(of: deep)!].scalars)
    }

    @Test("a run resumed from its epoch-1 checkpoint ends with the uninterrupted run's bits, running averages included")
    func resumeRestoresRunningAverages() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("resode-bn-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }  // why: a leftover temporary folder changes no result
        let url = folder.appendingPathComponent(TrainingCheckpoint.fileName)
        for blocks in [nil, 2] as [Int?] {
            let uninterrupted = try Self.trained(blocks: blocks, epochs: 2)
            _ = try Self.trained(blocks: blocks, epochs: 1) { trainer in
                trainer.checkpointEvery = 1
                trainer.checkpointURL = url
            }
            let saved = try TrainingCheckpoint.read(from: url)
            #expect(saved.buffers.names.contains("bn1.running_var") && saved.completedEpochs == 1)
            let resumed = try Self.trained(blocks: blocks, epochs: 2) { $0.resumeFrom = saved }
            for (name, (a, b)) in zip(uninterrupted.names, zip(uninterrupted.values, resumed.values)) {
                #expect(a.scalars == b.scalars, "blocks \(String(describing: blocks)): \(name)")
            }
        }
    }

    @Test("augmentation with data-parallel blocks is refused, naming both")
    func augmentationWithBlocksIsRefused() throws {
        var network = try ConvolutionalResNet(spec: Self.spec, seed: 3)
        var trainer = try Trainer(optimizer: Adam(learningRate: 0.01), epochs: 1, batchSize: 32, seed: 5, progress: .silent)
        trainer.dataParallelism = try DataParallelism(reducer: SingleProcessReducer(), blocksPerBatch: 2)
        #expect {
            _ = try network.train(on: try Self.images(64), heldOut: nil, trainer: &trainer, augmentation: try ImageAugmentation(padding: 1))
        } throws: { error in
            "\(error)".contains("augmentation") && "\(error)".contains("data-parallel")
        }
    }
}
