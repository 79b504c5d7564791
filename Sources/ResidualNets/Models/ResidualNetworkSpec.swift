// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NetworkLayers
import TensorCore

/// The architecture of a residual network or its plain twin, as written in
/// the `SPEC.json` of `resode eval` and of checkpoints:
///
///     {"model": "resnet" | "plain", "dim": d, "hidden": m, "activation": "tanh" | "relu" | "softplus",
///      "depth": L, "h": 1/L, "scheme": "euler" | "heun" | "midpoint" | "rk4", "tied": false,
///      "time_input": false}
///
/// `h`, `scheme`, `tied` and `time_input` are optional (defaults shown). Any other key is an error.
public struct ResidualNetworkSpec: Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// `x_{l+1} = x_l + h·F_l(x_l, t_l)` (or a higher-order step of `F_l`).
        case resnet
        /// `x_{l+1} = F_l(x_l)`: the same blocks without the skip connection.
        case plain
    }

    public var kind: Kind
    public var dimension: Int
    public var hidden: Int
    public var activation: Activation
    public var depth: Int
    public var stepSize: Double
    public var scheme: BlockScheme
    public var tied: Bool
    public var usesTime: Bool

    /// - Throws: `NetworkError.invalidField` naming the field when a value is out of range.
    public init(kind: Kind = .resnet, dimension: Int, hidden: Int, activation: Activation = .tanh, depth: Int,
                stepSize: Double? = nil, scheme: BlockScheme = .euler, tied: Bool = false, usesTime: Bool = false) throws {
        self.kind = kind
        self.dimension = dimension
        self.hidden = hidden
        self.activation = activation
        self.depth = depth
        self.stepSize = stepSize ?? 1 / Double(Swift.max(depth, 1))
        self.scheme = scheme
        self.tied = tied
        self.usesTime = usesTime
        try validate()
    }

    /// Checks every field's range.
    public func validate() throws {
        guard dimension >= 1 else { throw NetworkError.invalidField(name: "dim", reason: "must be ≥ 1, got \(dimension)") }
        guard hidden >= 1 else { throw NetworkError.invalidField(name: "hidden", reason: "must be ≥ 1, got \(hidden)") }
        guard depth >= 1 else { throw NetworkError.invalidField(name: "depth", reason: "must be ≥ 1, got \(depth)") }
        guard stepSize.isFinite, stepSize > 0 else {
            throw NetworkError.invalidField(name: "h", reason: "must be finite and > 0, got \(stepSize)")
        }
        if kind == .plain && scheme != .euler {
            throw NetworkError.invalidField(name: "scheme",
                                            reason: "a plain network has no skip, so only 'euler' (x ← F(x)) applies; got '\(scheme.rawValue)'")
        }
    }

    /// The field `F_l` shared by every block (blocks differ only in parameters, unless tied).
    public var field: MLPField {
        get throws { try MLPField(dimension: dimension, hidden: hidden, activation: activation, usesTime: usesTime) }
    }
}

extension ResidualNetworkSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind = "model", dimension = "dim", hidden, activation, depth, stepSize = "h", scheme, tied, usesTime = "time_input"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func required<T: Decodable>(_ type: T.Type, _ key: CodingKeys) throws -> T {
            guard c.contains(key) else { throw NetworkError.missingField(name: key.rawValue) }
            do { return try c.decode(T.self, forKey: key) } catch {
                throw NetworkError.invalidField(name: key.rawValue, reason: ResidualNetworkSpec.describe(error))
            }
        }
        func optional<T: Decodable>(_ type: T.Type, _ key: CodingKeys) throws -> T? {
            do { return try c.decodeIfPresent(T.self, forKey: key) } catch {
                throw NetworkError.invalidField(name: key.rawValue, reason: ResidualNetworkSpec.describe(error))
            }
        }
        try self.init(kind: required(Kind.self, .kind), dimension: required(Int.self, .dimension),
                      hidden: required(Int.self, .hidden),
                      activation: optional(Activation.self, .activation) ?? .tanh,
                      depth: required(Int.self, .depth), stepSize: optional(Double.self, .stepSize),
                      scheme: optional(BlockScheme.self, .scheme) ?? .euler, tied: optional(Bool.self, .tied) ?? false,
                      usesTime: optional(Bool.self, .usesTime) ?? false)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(dimension, forKey: .dimension)
        try c.encode(hidden, forKey: .hidden)
        try c.encode(activation, forKey: .activation)
        try c.encode(depth, forKey: .depth)
        try c.encode(stepSize, forKey: .stepSize)
        try c.encode(scheme, forKey: .scheme)
        try c.encode(tied, forKey: .tied)
        try c.encode(usesTime, forKey: .usesTime)
    }

    /// Decodes a spec from JSON, rejecting unknown or repeated keys and wrongly typed values by name.
    public static func decode(json data: Data) throws -> ResidualNetworkSpec {
        let members: [(key: String, kind: JSONKind)]
        do { members = try JSONMemberScan.topLevelMembers(of: data) } catch let problem as JSONMemberScan.Problem {
            throw NetworkError.invalidField(name: "(file)", reason: problem.description)
        }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = members.map(\.key).sorted().first(where: { !known.contains($0) }) {
            throw NetworkError.unknownField(name: unknown)
        }
        for (key, kind) in members {
            let expected: JSONKind = ["dim", "hidden", "depth", "h"].contains(key) ? .number
                : ["tied", "time_input"].contains(key) ? .boolean : .string
            guard kind == expected else {
                throw NetworkError.invalidField(name: key, reason: "must be \(expected.withArticle), got \(kind.withArticle)")
            }
        }
        return try JSONDecoder().decode(ResidualNetworkSpec.self, from: data)
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(let type, _): return "expected a value of type \(type)"
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.valueNotFound(let type, _): return "expected a value of type \(type), got null"
        default: return "\(error)"
        }
    }
}
