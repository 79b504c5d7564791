// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import TensorCore

/// The architecture of a CIFAR-style convolutional ResNet (He et al. 2016, §4.2)
/// or its plain twin, as written in the `SPEC.json` of `resode eval` and of
/// `resode train --model conv-resnet`:
///
///     {"model": "conv-resnet", "in_channels": C, "height": H, "width": W, "classes": K,
///      "blocks_per_stage": n, "widths": [16, 32, 64], "residual": true, "h": 1,
///      "shortcut": "projection" | "zero-padding", "norm": "batch", "preactivation": false}
///
/// `widths`, `residual`, `h`, `shortcut`, `norm` and `preactivation` are optional
/// (defaults shown). Depth `6n + 2` layers with three stages: n = 3, 5, 7, 9, 18
/// give ResNet-20/32/44/56/110. Any other key is an error.
public struct ConvolutionalResNetSpec: Equatable, Sendable {
    public enum Shortcut: String, Sendable, CaseIterable {
        /// 1×1 convolution with the stride, then batch normalisation (option B).
        case projection
        /// Subsample by the stride and add zero channels (option A, no parameters).
        case zeroPadding = "zero-padding"
    }

    public var inputChannels: Int
    public var height: Int
    public var width: Int
    public var classes: Int
    public var blocksPerStage: Int
    public var widths: [Int]
    public var isResidual: Bool
    public var stepSize: Double
    public var shortcut: Shortcut
    /// Pre-activation blocks (He et al., ECCV 2016) instead of the original post-activation ones.
    public var preactivation: Bool

    /// - Throws: `NetworkError.invalidField` naming the field when a value is out of range.
    public init(inputChannels: Int, height: Int, width: Int, classes: Int, blocksPerStage: Int,
                widths: [Int] = [16, 32, 64], isResidual: Bool = true, stepSize: Double = 1,
                shortcut: Shortcut = .projection, preactivation: Bool = false) throws {
        self.inputChannels = inputChannels
        self.height = height
        self.width = width
        self.classes = classes
        self.blocksPerStage = blocksPerStage
        self.widths = widths
        self.isResidual = isResidual
        self.stepSize = stepSize
        self.shortcut = shortcut
        self.preactivation = preactivation
        try validate()
    }

    /// The ResNet-(6n+2) of He et al. 2016 §4.2 on `channels × size × size` images.
    public static func cifar(depth: Int, inputChannels: Int = 3, size: Int = 32, classes: Int = 10,
                             residual: Bool = true) throws -> ConvolutionalResNetSpec {
        guard depth >= 8, (depth - 2) % 6 == 0 else {
            throw NetworkError.invalidField(name: "depth", reason: "must be 6n + 2 with n ≥ 1 (20, 32, 44, 56, 110), got \(depth)")
        }
        return try ConvolutionalResNetSpec(inputChannels: inputChannels, height: size, width: size, classes: classes,
                                           blocksPerStage: (depth - 2) / 6, isResidual: residual)
    }

    /// Weighted layers: the stem, two convolutions per block, the read-out.
    public var depth: Int { 2 + 2 * blocksPerStage * widths.count }

    public func validate() throws {
        for (name, value) in [("in_channels", inputChannels), ("height", height), ("width", width),
                              ("blocks_per_stage", blocksPerStage)] where value < 1 {
            throw NetworkError.invalidField(name: name, reason: "must be ≥ 1, got \(value)")
        }
        guard classes >= 1 else { throw NetworkError.invalidField(name: "classes", reason: "must be ≥ 1, got \(classes)") }
        guard !widths.isEmpty, widths.allSatisfy({ $0 >= 1 }) else {
            throw NetworkError.invalidField(name: "widths", reason: "must be a non-empty list of positive channel counts, got \(widths)")
        }
        guard stepSize.isFinite, stepSize > 0 else {
            throw NetworkError.invalidField(name: "h", reason: "must be finite and > 0, got \(stepSize)")
        }
        if shortcut == .zeroPadding, zip(widths, widths.dropFirst()).contains(where: { $0 > $1 }) {
            throw NetworkError.invalidField(name: "shortcut", reason: "zero padding cannot reduce the channels \(widths)")
        }
    }

    enum Key: String, CaseIterable {
        case model, inputChannels = "in_channels", height, width, classes, blocksPerStage = "blocks_per_stage", widths,
             residual, h, shortcut, norm, preactivation
    }

    /// Decodes a spec from JSON, naming the first missing, unknown or invalid field.
    public static func decode(json data: Data) throws -> ConvolutionalResNetSpec {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw NetworkError.invalidField(name: "(file)", reason: "the spec must be a JSON object; it is not JSON: \(error.localizedDescription)")
        }
        guard let d = object as? [String: Any] else {
            throw NetworkError.invalidField(name: "(file)", reason: "the spec must be a JSON object")
        }
        let known = Set(Key.allCases.map(\.rawValue))
        if let unknown = d.keys.sorted().first(where: { !known.contains($0) }) { throw NetworkError.unknownField(name: unknown) }
        let fields: Fields
        do { fields = try JSONDecoder().decode(Fields.self, from: data) } catch let DecodingError.typeMismatch(type, context) {
            throw NetworkError.invalidField(name: context.codingPath.first?.stringValue ?? "(file)", reason: "expected a value of type \(type)")
        } catch let DecodingError.dataCorrupted(context) {
            throw NetworkError.invalidField(name: context.codingPath.first?.stringValue ?? "(file)", reason: context.debugDescription)
        } catch let DecodingError.valueNotFound(type, context) {
            throw NetworkError.invalidField(name: context.codingPath.first?.stringValue ?? "(file)", reason: "expected \(type), got null")
        }
        guard fields.model == "conv-resnet" else { throw NetworkError.invalidField(name: "model", reason: "must be \"conv-resnet\"") }
        func required(_ value: Int?, _ key: Key) throws -> Int {
            guard let value else { throw NetworkError.missingField(name: key.rawValue) }
            return value
        }
        var shortcut = Shortcut.projection
        if let s = fields.shortcut {
            guard let parsed = Shortcut(rawValue: s) else {
                throw NetworkError.invalidField(name: "shortcut", reason: "expected \"projection\" or \"zero-padding\", got \"\(s)\"")
            }
            shortcut = parsed
        }
        if let norm = fields.norm, norm != "batch" {
            throw NetworkError.invalidField(name: "norm", reason: "only \"batch\" (evaluation mode) is supported, got \"\(norm)\"")
        }
        return try ConvolutionalResNetSpec(
            inputChannels: required(fields.in_channels, .inputChannels), height: required(fields.height, .height),
            width: required(fields.width, .width), classes: required(fields.classes, .classes),
            blocksPerStage: required(fields.blocks_per_stage, .blocksPerStage), widths: fields.widths ?? [16, 32, 64],
            isResidual: fields.residual ?? true, stepSize: fields.h ?? 1, shortcut: shortcut,
            preactivation: fields.preactivation ?? false)
    }

    /// The JSON fields as decoded (types checked by the decoder).
    private struct Fields: Decodable {
        let model: String?
        let in_channels, height, width, classes, blocks_per_stage: Int?
        let widths: [Int]?
        let residual, preactivation: Bool?
        let h: Double?
        let shortcut, norm: String?
    }

    /// The spec as JSON (sorted keys), which `decode(json:)` reads back.
    public func encodedJSON() throws -> Data {
        let object: [String: Any] = [
            "model": "conv-resnet", "in_channels": inputChannels, "height": height, "width": width, "classes": classes,
            "blocks_per_stage": blocksPerStage, "widths": widths, "residual": isResidual, "h": stepSize,
            "shortcut": shortcut.rawValue, "norm": "batch", "preactivation": preactivation,
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}
