// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import TensorCore
import Training

/// The MNIST IDX and CIFAR-10 binary loaders on small files written here in those formats.
@Suite("MNIST and CIFAR-10 files")
struct ImageFileTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("resode-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func bigEndian(_ values: [UInt32]) -> [UInt8] { values.flatMap { v in (0..<4).map { UInt8((v >> (24 - 8 * $0)) & 0xff) } } }

    /// Three 2×3 images with pixels (k·6 + p)·10 and labels 7, 0, 3.
    func writeMNIST(to dir: URL, prefix: String = "train", labels: [UInt8] = [7, 0, 3],
                    imageMagic: UInt32 = 0x803, truncate: Int = 0) throws {
        let pixels = (0..<18).map { UInt8($0 * 10) }
        let images = bigEndian([imageMagic, 3, 2, 3]) + pixels
        try Data(images.dropLast(truncate)).write(to: dir.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
        try Data(bigEndian([0x801, UInt32(labels.count)]) + labels).write(to: dir.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
    }

    @Test("MNIST IDX files give [N, 1, rows, columns] images scaled by 1/255 and their labels")
    func readsMNIST() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try writeMNIST(to: dir, prefix: "t10k")
        let data = try ImageDataset.mnist(directory: dir, split: .test)
        #expect(try data.images.shape == [3, 1, 2, 3])
        #expect(data.dataset.labels == [7, 0, 3])
        #expect(try data.images[1, 0, 1, 2] == Double((6 + 5) * 10) / 255)
        #expect(try ImageDataset.mnist(directory: dir, split: .test, limit: 2).dataset.labels == [7, 0])
    }

    @Test("a missing, truncated, mislabelled or compressed MNIST file is an error naming the file and the problem")
    func rejectsBadMNIST() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = dir.appendingPathComponent("train-images-idx3-ubyte").path
        let labels = dir.appendingPathComponent("train-labels-idx1-ubyte").path
        #expect(throws: ImageFileError.missing(path: images)) { try ImageDataset.mnist(directory: dir, split: .training) }
        try writeMNIST(to: dir, truncate: 1)
        #expect(throws: ImageFileError.corrupt(path: images, reason: "header says [3, 2, 3] (18 bytes), the file holds 17")) {
            try ImageDataset.mnist(directory: dir, split: .training)
        }
        try writeMNIST(to: dir, labels: [1, 2])
        #expect(throws: ImageFileError.corrupt(path: labels, reason: "holds 2 labels for the 3 images of train-images-idx3-ubyte")) {
            try ImageDataset.mnist(directory: dir, split: .training)
        }
        try writeMNIST(to: dir, labels: [1, 12, 2])
        #expect(throws: ImageFileError.corrupt(path: labels, reason: "label 12 of item 1 is not a digit 0…9")) {
            try ImageDataset.mnist(directory: dir, split: .training)
        }
        try writeMNIST(to: dir, imageMagic: 0x1f8b_0800)
        do {
            _ = try ImageDataset.mnist(directory: dir, split: .training)
            Issue.record("a gzip file was accepted")
        } catch let ImageFileError.corrupt(path, reason) {
            #expect(path == images && reason.contains("0x1f8b0800") && reason.contains("gzip"))
        }
    }

    /// `count` records of label k mod 10 and pixels (k + p) mod 256.
    func cifarRecords(_ count: Int, label: (Int) -> UInt8 = { UInt8($0 % 10) }) -> Data {
        var bytes: [UInt8] = []
        for k in 0..<count {
            bytes.append(label(k))
            bytes += (0..<3072).map { UInt8((k + $0) % 256) }
        }
        return Data(bytes)
    }

    @Test("CIFAR-10 batches give [N, 3, 32, 32] images in R, G, B planes and their labels, over the five batches")
    func readsCIFAR10() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for b in 1...5 { try cifarRecords(2).write(to: dir.appendingPathComponent("data_batch_\(b).bin")) }
        try cifarRecords(3).write(to: dir.appendingPathComponent("test_batch.bin"))
        let training = try ImageDataset.cifar10(directory: dir, split: .training)
        #expect(try training.images.shape == [10, 3, 32, 32])
        let test = try ImageDataset.cifar10(directory: dir, split: .test)
        #expect(test.dataset.labels == [0, 1, 2])
        // Record 2, green plane (offset 1024), row 3, column 5: byte (2 + 1024 + 3·32 + 5) mod 256.
        #expect(try test.images[2, 1, 3, 5] == Double((2 + 1024 + 3 * 32 + 5) % 256) / 255)
        #expect(try ImageDataset.cifar10(directory: dir, split: .training, limit: 3).dataset.labels == [0, 1, 0])
    }

    @Test("a CIFAR-10 batch that is missing, cut short or has a label above 9 is an error naming the file")
    func rejectsBadCIFAR10() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let test = dir.appendingPathComponent("test_batch.bin")
        #expect(throws: ImageFileError.missing(path: test.path)) { try ImageDataset.cifar10(directory: dir, split: .test) }
        try cifarRecords(2).dropLast(5).write(to: test)
        #expect(throws: ImageFileError.corrupt(path: test.path, reason: "6141 bytes is not a whole number of 3073-byte records")) {
            try ImageDataset.cifar10(directory: dir, split: .test)
        }
        try cifarRecords(2) { $0 == 1 ? 10 : 0 }.write(to: test)
        #expect(throws: ImageFileError.corrupt(path: test.path, reason: "label 10 of record 1 is not a class 0…9")) {
            try ImageDataset.cifar10(directory: dir, split: .test)
        }
    }
}
