// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NetworkLayers
import TensorCore

/// The adjoint traces of `NeuralVectorField`s (`TracedFunction(adjointOf:batchSize:)`),
/// kept for reuse by later backward passes, so that a continuous adjoint traces and
/// checks its augmented right-hand side once per field shape instead of once per
/// gradient (on W3, about 6 % of a `perf` profile of repeated gradients).
///
/// Reuse is exact: the adjoint trace takes the parameters `θ` as inputs, so it depends
/// only on the field's `MLPField` (widths, activation, time input) and the batch size,
/// which form the key; new parameter values are read at every replay. Other
/// `TraceableField`s are not cached (their trace may depend on anything they hold).
/// At most `capacity` entries, the least recently used dropped first. Thread-safe.
final class AdjointTraceCache: @unchecked Sendable {
    static let shared = AdjointTraceCache(capacity: 8)

    private struct Entry {
        let field: MLPField
        let batchSize: Int
        let function: TracedFunction
    }

    private let lock = NSLock()
    private var entries: [Entry] = []  // most recently used last
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The adjoint trace of `field` for `batchSize`: cached for a `NeuralVectorField`,
    /// traced (and checked) by `make` when not cached yet or for any other field.
    /// - Throws: what `make` throws (a failed trace is not cached).
    func function(for field: some TraceableField, batchSize: Int,
                  make: () throws -> TracedFunction) throws -> TracedFunction {
        guard let neural = field as? NeuralVectorField else { return try make() }
        if let hit = lookUp(neural.field, batchSize: batchSize) { return hit }
        let function = try make()
        lock.withLock {
            entries.removeAll { $0.field == neural.field && $0.batchSize == batchSize }
            entries.append(Entry(field: neural.field, batchSize: batchSize, function: function))
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
        return function
    }

    /// The number of cached traces.
    var count: Int { lock.withLock { entries.count } }

    private func lookUp(_ field: MLPField, batchSize: Int) -> TracedFunction? {
        lock.withLock {
            guard let index = entries.firstIndex(where: { $0.field == field && $0.batchSize == batchSize }) else {
                return nil
            }
            let entry = entries.remove(at: index)
            entries.append(entry)
            return entry.function
        }
    }
}
