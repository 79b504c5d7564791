// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import TensorCore

extension ImageDataset {
    public enum Split: String, Sendable, CaseIterable {
        case training
        case test
    }

    /// MNIST (LeCun et al. 1998) from the four standard IDX files in `directory`
    /// (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
    /// `t10k-labels-idx1-ubyte`, uncompressed), as `[N, 1, 28, 28]` images scaled to [0, 1].
    ///
    /// IDX: a big-endian header — magic `0x00000803` (unsigned bytes, 3 dimensions) then
    /// the count, rows and columns for images; `0x00000801` and the count for labels —
    /// followed by the bytes. The header is checked against the file size before anything
    /// is allocated.
    /// - Parameters:
    ///   - directory: the folder holding the four IDX files.
    ///   - split: `.training` (the `train-…` files) or `.test` (the `t10k-…` files).
    ///   - limit: read only the first `limit` images.
    /// - Throws: `ImageFileError` naming the file: missing, a wrong magic number, a size that
    ///   disagrees with the header, label counts that differ, a label above 9.
    public static func mnist(directory: URL, split: Split, limit: Int? = nil) throws -> ImageDataset {
        let prefix = split == .training ? "train" : "t10k"
        let imageURL = directory.appendingPathComponent("\(prefix)-images-idx3-ubyte")
        let labelURL = directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte")
        let images = try readFile(imageURL)
        let labels = try readFile(labelURL)
        let imageHeader = try idxHeader(images, path: imageURL.path, magic: 0x0000_0803, dimensions: 3)
        let labelHeader = try idxHeader(labels, path: labelURL.path, magic: 0x0000_0801, dimensions: 1)
        guard imageHeader[0] == labelHeader[0] else {
            throw ImageFileError.corrupt(path: labelURL.path,
                                         reason: "holds \(labelHeader[0]) labels for the \(imageHeader[0]) images of \(imageURL.lastPathComponent)")
        }
        let (rows, columns) = (imageHeader[1], imageHeader[2])
        let count = Swift.min(imageHeader[0], Swift.max(limit ?? Int.max, 0))
        let pixels = rows * columns
        // Safe Swift is fast enough here: one copy of the byte range, then one map. Measured on
        // 60 000 images, the whole reader (0.7–1.0 s) took less than the former pointer loop's conversion alone (0.9–1.4 s).
        let pixelBytes = [UInt8](images[(images.startIndex + 16)..<(images.startIndex + 16 + count * pixels)])
        let scalars = pixelBytes.map { Double($0) / 255 }
        let classes = [UInt8](labels[(labels.startIndex + 8)..<(labels.startIndex + 8 + count)]).map(Int.init)
        if let k = classes.firstIndex(where: { $0 > 9 }) {
            throw ImageFileError.corrupt(path: labelURL.path, reason: "label \(classes[k]) of item \(k) is not a digit 0…9")
        }
        let dataset = try Dataset(inputs: Tensor(shape: [count, pixels], scalars: scalars), labels: classes, classCount: 10,
                                  encoding: .oneHot)
        return try ImageDataset(dataset: dataset, channels: 1, height: rows, width: columns)
    }

    static func readFile(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url, options: .mappedIfSafe) } catch { throw ImageFileError.missing(path: url.path) }
    }

    /// The dimension sizes of an IDX file of unsigned bytes, after checking its magic number and size.
    static func idxHeader(_ data: Data, path: String, magic: UInt32, dimensions: Int) throws -> [Int] {
        let headerSize = 4 + 4 * dimensions
        guard data.count >= headerSize else {
            throw ImageFileError.corrupt(path: path, reason: "\(data.count) bytes is shorter than the \(headerSize)-byte IDX header")
        }
        func word(_ offset: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(data[data.startIndex + offset + $1]) }
        }
        let found = word(0)
        guard found == magic else {
            let hint = found >> 16 == 0x1f8b ? " (gzip-compressed: decompress it first)" : ""
            throw ImageFileError.corrupt(path: path, reason: String(format: "magic number 0x%08x, expected 0x%08x", found, magic) + hint)
        }
        let sizes = (0..<dimensions).map { Int(word(4 + 4 * $0)) }
        let expected = sizes.reduce(1, *)
        guard data.count - headerSize == expected, sizes.allSatisfy({ $0 > 0 }) else {
            throw ImageFileError.corrupt(path: path, reason: "header says \(sizes) (\(expected) bytes), the file holds \(data.count - headerSize)")
        }
        return sizes
    }
}
