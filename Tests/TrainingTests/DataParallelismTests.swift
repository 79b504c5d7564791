// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import NetworkLayers
import TensorCore
@testable import Training

/// Three labelled Gaussian blobs in the plane.
private func blobs(count: Int, seed: UInt64) throws -> Samples {
    var generator = SeededGenerator(seed: seed)
    let centres: [(Double, Double)] = [(1, 0), (-0.5, 0.8), (-0.5, -0.8)]
    var x: [Double] = [], labels: [Int] = []
    for i in 0..<count {
        let c = i % 3
        x += [centres[c].0 + 0.6 * generator.nextNormal(), centres[c].1 + 0.6 * generator.nextNormal()]
        labels.append(c)
    }
    return try Samples(inputs: Tensor(shape: [count, 2], scalars: x), targets: Tensor.zeros([count, 0]), labels: labels)
}

/// A linear softmax classifier `z = x·Wᵀ + b` with cross-entropy.
private func softmaxLoss(_ batch: Samples, _ p: [Variable]) throws -> LossEvaluation {
    let z = try Variable.linear(Variable(batch.inputs), weight: p[0], bias: p[1])
    return LossEvaluation(loss: try Loss.softmaxCrossEntropy(logits: z, labels: batch.labels), outputs: z)
}

private func initialParameters() throws -> ParameterList {
    var generator = SeededGenerator(seed: 5)
    return try ParameterList(names: ["weight", "bias"],
                             values: [Tensor.randomNormal([3, 2], using: &generator), Tensor.zeros([3])])
}

/// A reducer standing in for rank `rank` of `processCount`: it keeps its contributions and returns zeros.
private final class CapturingReducer: GradientReducer, @unchecked Sendable {
    let rank: Int, processCount: Int
    var captured: [(index: Int, values: [Double])] = []
    init(rank: Int, processCount: Int) { (self.rank, self.processCount) = (rank, processCount) }
    func pairwiseSum(_ contributions: [(index: Int, values: [Double])], count: Int, length: Int) throws -> [Double] {
        captured += contributions
        return [Double](repeating: 0, count: length)
    }
}

private func train(blocks: Int?, epochs: Int = 3) throws -> (ParameterList, [EpochMetrics]) {
    var parameters = try initialParameters()
    var trainer = Trainer(optimizer: try Adam(learningRate: 0.05), epochs: epochs, batchSize: 23, seed: 3, progress: .silent)
    trainer.dataParallelism = try blocks.map { try DataParallelism(reducer: SingleProcessReducer(), blocksPerBatch: $0) }
    let history = try trainer.train(&parameters, on: blobs(count: 100, seed: 1), loss: softmaxLoss)
    return (parameters, history)
}

@Suite("Data parallelism: canonical blocks summed in block order")
struct DataParallelismTests {
    @Test("A batch of n splits into B contiguous blocks covering 0..<n, sizes differing by at most 1; ranks own contiguous blocks")
    func blocksPartitionTheBatch() throws {
        for b in [1, 2, 4, 8, 16] {
            let parallelism = try DataParallelism(reducer: SingleProcessReducer(), blocksPerBatch: b)
            for n in 1...40 {
                let blocks = parallelism.blocks(ofBatchSize: n)
                #expect(blocks.count == b)
                #expect(blocks.first?.lowerBound == 0 && blocks.last?.upperBound == n)
                #expect(zip(blocks, blocks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                let sizes = blocks.map(\.count)
                #expect(sizes.max()! - sizes.min()! <= 1 && sizes.filter { $0 == 0 }.count == max(0, b - n), "n \(n), B \(b)")
            }
            for p in 1...20 {
                let owned = (0..<p).map { parallelism.blocks(ofRank: $0, processCount: p) }
                #expect(owned.first?.lowerBound == 0 && owned.last?.upperBound == b)
                #expect(zip(owned, owned.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            }
        }
    }

    @Test("One block per batch is the unblocked arithmetic: bit-identical parameters and metrics")
    func oneBlockIsTheSerialGradient() throws {
        let (serial, serialHistory) = try train(blocks: nil)
        let (blocked, blockedHistory) = try train(blocks: 1)
        #expect(serial.values == blocked.values)
        #expect(serialHistory.map(\.trainingLoss) == blockedHistory.map(\.trainingLoss))
        #expect(serialHistory.map(\.trainingAccuracy) == blockedHistory.map(\.trainingAccuracy))
    }

    @Test("Eight blocks per batch change the weights only by rounding: within 1e-13 relative after 15 steps")
    func blocksAgreeWithSerialToRounding() throws {
        let (serial, serialHistory) = try train(blocks: nil)
        let (blocked, blockedHistory) = try train(blocks: 8)
        for (a, b) in zip(serial.values, blocked.values) {
            let scale = a.scalars.map(abs).max()!
            let difference = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max()!
            #expect(difference <= 1e-13 * scale, "difference \(difference), scale \(scale)")
        }
        #expect(serialHistory.map(\.trainingAccuracy) == blockedHistory.map(\.trainingAccuracy))
    }

    @Test("Every rank count P contributes the same block vectors, so the block-order sum has the same bits")
    func contributionsDoNotDependOnTheRankCount() throws {
        let batch = try blobs(count: 29, seed: 2)
        let parameters = try initialParameters()
        func sum(processes: Int) throws -> [Double] {
            var all: [(index: Int, values: [Double])] = []
            for rank in 0..<processes {
                let reducer = CapturingReducer(rank: rank, processCount: processes)
                _ = try DataParallelism(reducer: reducer, blocksPerBatch: 8).lossAndGradients(of: softmaxLoss, on: batch, at: parameters)
                all += reducer.captured
            }
            return try SingleProcessReducer().pairwiseSum(all, count: 8, length: all[0].values.count)
        }
        let one = try sum(processes: 1)
        for p in [2, 3, 4, 5, 8, 12] { #expect(try sum(processes: p) == one, "P = \(p)") }
        // The sum holds the mean loss, the correct count, the labelled count, then the gradient.
        let serial = try BatchGradient(loss: softmaxLoss, batch: batch, parameters: parameters)
        #expect(abs(one[0] - serial.value) <= 1e-15 * abs(serial.value))
        #expect(Int(one[1]) == serial.correct && Int(one[2]) == 29)
        let serialFlat = serial.gradients.flatMap(\.scalars)
        #expect(zip(one.dropFirst(3), serialFlat).allSatisfy { abs($0 - $1) <= 1e-15 * max(1, abs($1)) })
    }

    @Test("Bad settings are typed errors: no blocks, a block count not a power of two, a missing contribution")
    func badSettings() throws {
        #expect(throws: TrainingError.self) { try DataParallelism(reducer: SingleProcessReducer(), blocksPerBatch: 0) }
        #expect(throws: TrainingError.self) { try DataParallelism(reducer: SingleProcessReducer(), blocksPerBatch: 6) }
        #expect(throws: TrainingError.self) {
            try SingleProcessReducer().pairwiseSum([(index: 0, values: [1])], count: 2, length: 1)
        }
    }
}
