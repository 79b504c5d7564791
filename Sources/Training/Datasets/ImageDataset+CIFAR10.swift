// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import TensorCore

extension ImageDataset {
    /// CIFAR-10 (Krizhevsky 2009) from the binary batches in `directory`
    /// (`data_batch_1.bin` … `data_batch_5.bin` for training, `test_batch.bin` for test),
    /// as `[N, 3, 32, 32]` images scaled to [0, 1].
    ///
    /// Each record is 3 073 bytes: the label 0…9, then 1 024 red, 1 024 green and
    /// 1 024 blue bytes, each plane row-major — already the C, H, W order.
    /// - Parameters:
    ///   - directory: the folder holding the `.bin` batches.
    ///   - split: `.training` (the five data batches) or `.test` (`test_batch.bin`).
    ///   - limit: read only the first `limit` images (over the batches in order).
    /// - Throws: `ImageFileError` naming the file: missing, a size that is not a whole number
    ///   of records, a label above 9.
    public static func cifar10(directory: URL, split: Split, limit: Int? = nil) throws -> ImageDataset {
        let names = split == .training ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
        let record = 1 + 3 * 1024
        let wanted = Swift.max(limit ?? Int.max, 0)
        var scalars: [Double] = []
        var labels: [Int] = []
        for name in names where labels.count < wanted {
            let url = directory.appendingPathComponent(name)
            let data = try readFile(url)
            guard data.count % record == 0, data.count > 0 else {
                throw ImageFileError.corrupt(path: url.path,
                                             reason: "\(data.count) bytes is not a whole number of \(record)-byte records")
            }
            let count = Swift.min(data.count / record, wanted - labels.count)
            scalars.reserveCapacity(scalars.count + count * (record - 1))
            let bytes = [UInt8](data[data.startIndex..<(data.startIndex + count * record)])
            for k in 0..<count {
                let label = Int(bytes[k * record])
                guard label <= 9 else {
                    throw ImageFileError.corrupt(path: url.path, reason: "label \(label) of record \(k) is not a class 0…9")
                }
                labels.append(label)
                scalars.append(contentsOf: bytes[(k * record + 1)..<((k + 1) * record)].lazy.map { Double($0) / 255 })
            }
        }
        let dataset = try Dataset(inputs: Tensor(shape: [labels.count, record - 1], scalars: scalars), labels: labels,
                                  classCount: 10, encoding: .oneHot)
        return try ImageDataset(dataset: dataset, channels: 3, height: 32, width: 32)
    }
}
