// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A classification data set of images `[N, C, H, W]`, stored as the `Dataset`
/// rows `[N, C·H·W]` (each row an image in C, H, W order) that the training loop
/// batches; convolutional models reshape a batch back to `[n, C, H, W]`.
public struct ImageDataset: Sendable, Equatable {
    /// The images as rows, with labels and one-hot targets.
    public let dataset: Dataset
    public let channels: Int
    public let height: Int
    public let width: Int

    /// - Throws: `DatasetError.inconsistentShapes` when the rows do not hold `C·H·W` values.
    public init(dataset: Dataset, channels: Int, height: Int, width: Int) throws {
        guard channels >= 1, height >= 1, width >= 1, dataset.featureCount == channels * height * width else {
            throw DatasetError.inconsistentShapes(
                reason: "rows of \(dataset.featureCount) values are not images of \(channels)×\(height)×\(width)")
        }
        self.dataset = dataset
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// The images as one tensor `[N, C, H, W]`.
    public var images: Tensor {
        get throws { try dataset.inputs.reshaped(to: [dataset.inputs.shape[0], channels, height, width]) }
    }

    /// `[C, H, W]`.
    public var imageShape: [Int] { [channels, height, width] }

    /// The bundled 8×8 digits as `[1797, 1, 8, 8]` images (pixel p = 8·row + column, scaled to [0, 1]).
    public static func digits() throws -> ImageDataset {
        try ImageDataset(dataset: Dataset.digits(), channels: 1, height: 8, width: 8)
    }

    /// A held-out split of the same images (see `Dataset.split`).
    public func split(testFraction: Double, seed: UInt64) throws -> (train: ImageDataset, test: ImageDataset) {
        let (train, test) = try dataset.split(testFraction: testFraction, seed: seed)
        return (try ImageDataset(dataset: train, channels: channels, height: height, width: width),
                try ImageDataset(dataset: test, channels: channels, height: height, width: width))
    }
}
