// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// The checks `resode eval` makes around a model: the spec's `model` field, the cost
/// estimated from the spec alone, and finite results.
///
/// Rule for non-finite values: weights and inputs must be finite (refused naming the key
/// and element); finite weights can still overflow (e.g. ±1e150 squared in a layer), so a
/// non-finite output or gradient is refused too, naming where it appeared and the weight of
/// largest magnitude, and nothing is written.
extension EvaluableModel {
    /// The `model` field, after a check for repeated keys and for its type.
    static func modelName(spec data: Data) throws -> String {
        let members: [(key: String, kind: JSONKind)]
        do { members = try JSONMemberScan.topLevelMembers(of: data) } catch let problem as JSONMemberScan.Problem {
            throw CLIError("spec: \(problem)")
        }
        guard let model = members.first(where: { $0.key == "model" }) else { throw CLIError("spec field 'model' is required") }
        guard model.kind == .string else { throw CLIError("spec field 'model' must be a string, got \(model.kind.withArticle)") }
        // The scan above has parsed the document already; a failure here is reported as itself.
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw CLIError("spec: not valid JSON (UTF-8): \(JSONMemberScan.parserMessage(error))")
        }
        guard let name = (object as? [String: Any])?["model"] as? String else {
            throw CLIError("spec field 'model' must be a string")
        }
        return name
    }

    /// The model's cost from its spec, before any weight is read; `nil` for a model kind without an estimate.
    static func cost(spec data: Data) throws -> ModelCost? {
        switch try modelName(spec: data) {
        case "resnet", "plain": return ModelCost(try ResidualNetworkSpec.decode(json: data))
        case "node": return ModelCost(try NeuralODESpec.decode(json: data))
        default: return nil
        }
    }

    /// The weight keys the spec needs, in model order; `nil` for a model kind this list does not know
    /// (its archive is then read whole, still within the memory budget).
    static func weightNames(spec data: Data) throws -> [String]? {
        switch try modelName(spec: data) {
        case "resnet", "plain":
            let spec = try ResidualNetworkSpec.decode(json: data)
            let prefixes = spec.tied ? ["f."] : (0..<spec.depth).map { "blocks.\($0)." }
            let field = try spec.field
            return prefixes.flatMap { field.parameterNames(prefix: $0) }
        case "node":
            return try NeuralODESpec.decode(json: data).field.parameterNames(prefix: "f.")
        default:
            return nil
        }
    }

    /// Reads the weights lazily: the archive's directory first, refusing a missing or foreign key by
    /// name before anything is inflated, then only the needed members, their summed size checked
    /// against `budgetBytes` before any is decoded (`NumPyArchiveReader`).
    static func readWeights(_ url: URL, spec data: Data, budgetBytes: Double) throws -> NumPyArchive {
        let limits = NumPyReadLimits(maximumBytes: Int(min(budgetBytes, Double(Int.max / 2))))
        let reader = try NumPyArchiveReader(contentsOf: url, limits: limits)
        // A spec asking for far more arrays (say 4·10⁹) than the archive holds is answered without
        // listing their names; otherwise listing them costs about as much as the archive's own
        // directory, and the first missing key is named.
        if let cost = try cost(spec: data), cost.tensors > 2 * Double(reader.names.count) + 64 {
            throw CLIError("weights: the spec needs \(MemorySize.plain(cost.tensors)) arrays, the archive holds \(reader.names.count)")
        }
        guard let needed = try weightNames(spec: data) else { return try reader.readAll() }
        if let missing = needed.first(where: { !reader.contains($0) }) {
            throw CLIError("weights: key '\(missing)' is missing (the spec needs \(needed.count) arrays, the archive holds \(reader.names.count))")
        }
        let neededSet = Set(needed)
        if let extra = reader.names.first(where: { !neededSet.contains($0) }) {
            throw CLIError("weights: key '\(extra)' does not belong to this model")
        }
        let arrays = try reader.arrays(named: needed)
        var entries: [(String, Tensor)] = []
        for name in needed {
            guard let tensor = arrays[name] else { throw CLIError("weights: key '\(name)' could not be read") }
            entries.append((name, tensor))
        }
        return try NumPyArchive(entries)
    }

    /// - Throws: `CLIError` naming the first non-finite element of `t` and the largest weight.
    func requireFinite(_ t: Tensor, what: String) throws {
        guard let bad = t.scalars.firstIndex(where: { !$0.isFinite }) else { return }
        let columns = t.rank == 2 ? t.shape[1] : max(t.count, 1)
        var largest = (name: "", magnitude: 0.0)
        for (name, value) in zip(parameterNames, parameterValues) {
            let m = value.scalars.map(abs).max() ?? 0
            if m > largest.magnitude { largest = (name, m) }
        }
        throw CLIError("\(what): element \(bad) (row \(bad / columns), column \(bad % columns)) is \(t.scalars[bad]): the model "
                       + "overflowed (largest weight |w| = \(largest.magnitude) in '\(largest.name)'); nothing was written")
    }
}
