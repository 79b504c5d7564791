// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import TensorCore

extension Dataset {
    /// The bundled 8×8 handwritten digits (1,797 samples, 64 features, 10 classes).
    ///
    ///     inputs[i, p] = (pixel count p of image i) / 16 ∈ [0, 1],   p = 8·row + column
    ///     labels[i] ∈ 0…9,   targets = one-hot [1797, 10]
    ///
    /// The CSV is the test set of the UCI "Optical Recognition of Handwritten Digits" data
    /// (Alpaydin & Kaynak 1998, CC BY 4.0), as shipped by scikit-learn; see
    /// `Resources/digits-SOURCE.md`.
    /// - Throws: `DatasetError.missingResource` if the bundle lacks the file, or a parse error.
    public static func digits() throws -> Dataset {
        guard let url = Bundle.module.url(forResource: "digits", withExtension: "csv", subdirectory: "Resources") else {
            throw DatasetError.missingResource(name: "Resources/digits.csv")
        }
        return try digits(contentsOf: url)
    }

    /// Digits from a user CSV file in the bundled format: no header, one sample per line,
    /// 64 pixel counts in `0…16` then the label in `0…9`. Pixels are scaled by 1/16;
    /// targets are one-hot over 10 classes.
    /// - Throws: `DatasetError.unreadableFile`, or the parse errors of `digits(csv:)`.
    public static func digits(contentsOf url: URL) throws -> Dataset {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DatasetError.unreadableFile(path: url.path, reason: "\(error.localizedDescription)")
        }
        return try digits(bytes: [UInt8](data), source: url.path)
    }

    /// Digits from CSV text in the bundled format (see `digits(contentsOf:)`).
    /// - Throws: `DatasetError.wrongColumnCount` (row N has K columns), `.invalidNumber`
    ///   (row, column and the text), `.pixelOutOfRange`, `.labelOutOfRange` or `.noRows`;
    ///   rows and columns count from 1.
    public static func digits(csv text: String) throws -> Dataset {
        try digits(bytes: Array(text.utf8), source: "the CSV text")
    }

    private static func digits(bytes: [UInt8], source: String) throws -> Dataset {
        let parsed = try DigitsCSVParser.parse(bytes, source: source)
        let inputs = try Tensor(shape: [parsed.labels.count, DigitsCSVParser.pixelCount], scalars: parsed.pixels)
        return try Dataset(inputs: inputs, labels: parsed.labels, classCount: DigitsCSVParser.classCount,
                           encoding: .oneHot)
    }
}
