// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The standard augmentation of CIFAR training (He et al. 2016, §4.2, after
/// Lee et al. 2015): pad each image with `padding` zeros on every side, crop a
/// random `H × W` window, and flip it horizontally with probability ½. Every
/// draw comes from the seeded generator, so a seed fixes the whole sequence.
///
///     out[c, i, j] = x[c, i + dy − p, j' + dx − p]   (0 outside),  j' = W − 1 − j if flipped else j
/// with dy, dx uniform in 0…2p.
public struct ImageAugmentation: Sendable, Equatable {
    public var padding: Int
    public var horizontalFlip: Bool

    /// - Throws: `DatasetError.invalidParameter` for a negative padding.
    public init(padding: Int = 4, horizontalFlip: Bool = true) throws {
        guard padding >= 0 else { throw DatasetError.invalidParameter(name: "padding", reason: "must be ≥ 0; got \(padding)") }
        self.padding = padding
        self.horizontalFlip = horizontalFlip
    }

    /// Augments a batch of images given as `[n, C·H·W]` rows or `[n, C, H, W]`; the result has the same shape.
    /// - Throws: `DatasetError.inconsistentShapes` when the batch does not hold `C·H·W` images.
    public func apply(to batch: Tensor, channels: Int, height: Int, width: Int,
                      using generator: inout SeededGenerator) throws -> Tensor {
        let size = channels * height * width
        guard batch.rank >= 1, size > 0, batch.count == batch.shape[0] * size else {
            throw DatasetError.inconsistentShapes(reason: "batch \(batch.shape) does not hold \(channels)×\(height)×\(width) images")
        }
        let p = padding
        var out = [Double](repeating: 0, count: batch.count)
        for n in 0..<batch.shape[0] {
            let dy = generator.nextIndex(below: 2 * p + 1), dx = generator.nextIndex(below: 2 * p + 1)
            let flip = horizontalFlip && generator.nextUniform() < 0.5
            for c in 0..<channels {
                let plane = n * size + c * height * width
                for i in 0..<height {
                    let source = i + dy - p
                    guard source >= 0 && source < height else { continue }
                    for j in 0..<width {
                        let column = (flip ? width - 1 - j : j) + dx - p
                        guard column >= 0 && column < width else { continue }
                        out[plane + i * width + j] = batch[flat: plane + source * width + column]
                    }
                }
            }
        }
        return try Tensor(shape: batch.shape, scalars: out)
    }
}
