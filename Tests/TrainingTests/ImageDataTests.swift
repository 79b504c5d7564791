// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
import Training

@Suite("Image data sets and augmentation")
struct ImageDataTests {
    @Test("the digits are [1797, 1, 8, 8] images whose rows are the original pixels")
    func digitsAsImages() throws {
        let digits = try ImageDataset.digits()
        let images = try digits.images
        #expect(images.shape == [1797, 1, 8, 8])
        #expect(images[5, 0, 3, 6] == digits.dataset.inputs[5, 3 * 8 + 6])
    }

    @Test("augmentation is seeded; with no padding each image is itself or its mirror, and both occur")
    func augmentationIsSeededCropAndFlip() throws {
        var rng = SeededGenerator(seed: 1)
        let batch = try Tensor.randomNormal([40, 2 * 3 * 4], using: &rng)
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let padded = try ImageAugmentation(padding: 2)
        #expect(try padded.apply(to: batch, channels: 2, height: 3, width: 4, using: &a)
                == padded.apply(to: batch, channels: 2, height: 3, width: 4, using: &b))
        let flipOnly = try ImageAugmentation(padding: 0)
        let out = try flipOnly.apply(to: batch, channels: 2, height: 3, width: 4, using: &a)
        var same = 0, mirrored = 0
        for n in 0..<40 {
            let original = try batch.slice(n..<(n + 1)).reshaped(to: [2, 3, 4])
            let result = try out.slice(n..<(n + 1)).reshaped(to: [2, 3, 4])
            var mirror = original
            for c in 0..<2 { for i in 0..<3 { for j in 0..<4 { mirror[c, i, j] = original[c, i, 3 - j] } } }
            if result == original { same += 1 } else if result == mirror { mirrored += 1 }
        }
        #expect(same + mirrored == 40 && same > 0 && mirrored > 0)
        // A shift moves content by at most the padding and fills with zeros.
        let shifted = try padded.apply(to: try Tensor.ones([1, 1 * 3 * 4]), channels: 1, height: 3, width: 4, using: &a)
        #expect(shifted.scalars.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(throws: DatasetError.self) { try padded.apply(to: batch, channels: 5, height: 3, width: 4, using: &a) }
    }
}
