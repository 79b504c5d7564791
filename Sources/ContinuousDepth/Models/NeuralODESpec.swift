// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NetworkLayers
import TensorCore

/// A neural ODE as written in the `SPEC.json` of `resode eval`:
///
///     {"model": "node", "dim": d, "hidden": m, "activation": "tanh", "t1": 1,
///      "solver": "dopri5", "rtol": 1e-6, "atol": 1e-8, "steps": 10, "time_input": false}
///
/// Only `model`, `dim` and `hidden` are required; `steps` is used by fixed-step solvers.
/// `"gradient"`: `backprop | adjoint | checkpointed` (see `NeuralODEGradientMethod`);
/// absent, the solver's default (`NeuralODESolverChoice.defaultGradientMethod`:
/// backprop for the own schemes, adjoint for GSL and `rodas4`).
public struct NeuralODESpec: Equatable, Sendable {
    public var dimension: Int
    public var hidden: Int
    public var activation: Activation
    public var endTime: Double
    public var solver: NeuralODESolverChoice
    public var relativeTolerance: Double
    public var absoluteTolerance: Double
    public var steps: Int
    public var usesTime: Bool
    /// The gradient method asked for (`nil`: the solver's default).
    public var gradient: NeuralODEGradientMethod?

    public init(dimension: Int, hidden: Int, activation: Activation = .tanh, endTime: Double = 1,
                solver: NeuralODESolverChoice = .dormandPrince54, relativeTolerance: Double = 1e-6,
                absoluteTolerance: Double = 1e-8, steps: Int = 10, usesTime: Bool = false,
                gradient: NeuralODEGradientMethod? = nil) throws {
        self.dimension = dimension; self.hidden = hidden; self.activation = activation; self.endTime = endTime
        self.solver = solver; self.relativeTolerance = relativeTolerance; self.absoluteTolerance = absoluteTolerance
        self.steps = steps; self.usesTime = usesTime; self.gradient = gradient
        try validate()
    }

    /// The gradient method a block of this spec uses: `gradient`, or the solver's default.
    public var gradientMethod: NeuralODEGradientMethod { gradient ?? solver.defaultGradientMethod }

    /// - Throws: `ContinuousDepthError.invalidArgument` naming the field.
    public func validate() throws {
        func bad(_ field: String, _ reason: String) -> ContinuousDepthError {
            .invalidArgument("spec field '\(field)': \(reason)")
        }
        guard dimension >= 1 else { throw bad("dim", "must be ≥ 1, got \(dimension)") }
        guard hidden >= 1 else { throw bad("hidden", "must be ≥ 1, got \(hidden)") }
        guard endTime.isFinite, endTime != 0 else { throw bad("t1", "must be finite and non-zero, got \(endTime)") }
        guard relativeTolerance.isFinite, relativeTolerance > 0 else { throw bad("rtol", "must be > 0, got \(relativeTolerance)") }
        guard absoluteTolerance.isFinite, absoluteTolerance >= 0 else { throw bad("atol", "must be ≥ 0, got \(absoluteTolerance)") }
        guard steps >= 1 else { throw bad("steps", "must be ≥ 1, got \(steps)") }
    }

    /// The vector field's shape.
    public var field: MLPField {
        get throws { try MLPField(dimension: dimension, hidden: hidden, activation: activation, usesTime: usesTime) }
    }

    static let keys: Set<String> = ["model", "dim", "hidden", "activation", "t1", "solver", "rtol", "atol", "steps", "time_input",
                                    "gradient"]

    /// The JSON fields, each optional so that a missing one can be named.
    struct Fields: Decodable {
        var model: String?
        var dim: Int?
        var hidden: Int?
        var activation: String?
        var t1: Double?
        var solver: String?
        var rtol: Double?
        var atol: Double?
        var steps: Int?
        var time_input: Bool?
        var gradient: String?
    }

    /// Decodes a spec, naming any unknown, missing or invalid field.
    public static func decode(json data: Data) throws -> NeuralODESpec {
        let members: [(key: String, kind: JSONKind)]
        do { members = try JSONMemberScan.topLevelMembers(of: data) } catch let problem as JSONMemberScan.Problem {
            throw ContinuousDepthError.invalidArgument("spec: \(problem)")
        }
        if let unknown = members.map(\.key).sorted().first(where: { !keys.contains($0) }) {
            throw ContinuousDepthError.invalidArgument("spec field '\(unknown)' is not known")
        }
        for (key, kind) in members {
            let expected: JSONKind = ["dim", "hidden", "t1", "rtol", "atol", "steps"].contains(key) ? .number
                : key == "time_input" ? .boolean : .string
            guard kind == expected else {
                throw ContinuousDepthError.invalidArgument("spec field '\(key)' must be \(expected.withArticle), got \(kind.withArticle)")
            }
        }
        let fields: Fields
        do { fields = try JSONDecoder().decode(Fields.self, from: data) } catch let DecodingError.typeMismatch(type, context) {
            let key = context.codingPath.last?.stringValue ?? "?"
            throw ContinuousDepthError.invalidArgument("spec field '\(key)': expected a value of type \(type)")
        } catch {
            throw ContinuousDepthError.invalidArgument("spec: \(error)")
        }
        guard fields.model == "node" else { throw ContinuousDepthError.invalidArgument("spec field 'model' must be 'node'") }
        guard let dim = fields.dim else { throw ContinuousDepthError.invalidArgument("spec field 'dim' is required") }
        guard let hidden = fields.hidden else { throw ContinuousDepthError.invalidArgument("spec field 'hidden' is required") }
        var activation = Activation.tanh
        if let name = fields.activation {
            guard let a = Activation(rawValue: name) else {
                throw ContinuousDepthError.invalidArgument("spec field 'activation': unknown value '\(name)'")
            }
            activation = a
        }
        let solver = try fields.solver.map { name in
            do { return try NeuralODESolverChoice(name: name) } catch {
                throw ContinuousDepthError.invalidArgument("spec field 'solver': unknown value '\(name)'")
            }
        } ?? .dormandPrince54
        let gradient = try fields.gradient.map { name in
            do { return try NeuralODEGradientMethod(option: name) } catch {
                throw ContinuousDepthError.invalidArgument("spec field 'gradient': \(error)")
            }
        }
        return try NeuralODESpec(dimension: dim, hidden: hidden, activation: activation, endTime: fields.t1 ?? 1,
                                 solver: solver, relativeTolerance: fields.rtol ?? 1e-6,
                                 absoluteTolerance: fields.atol ?? 1e-8, steps: fields.steps ?? 10,
                                 usesTime: fields.time_input ?? false, gradient: gradient)
    }

    /// The spec as JSON, with every field written out.
    public func encodedJSON() throws -> Data {
        var object: [String: Any] = ["model": "node", "dim": dimension, "hidden": hidden, "activation": activation.rawValue,
                                     "t1": endTime, "solver": solver.description, "rtol": relativeTolerance,
                                     "atol": absoluteTolerance, "steps": steps, "time_input": usesTime]
        if let gradient { object["gradient"] = gradient.rawValue }
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}
