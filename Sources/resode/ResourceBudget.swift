// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import Foundation

/// The limits `resode train` and `resode eval` check *before* allocating anything whose
/// size comes from user input (batch, depth, width, samples, steps):
///
///  - memory: an estimate of the bytes the run holds at its peak (`ModelCost`) must not
///    exceed `--max-memory` (default: half the physical memory);
///  - work: the vector-field evaluations of one forward pass (depth × stages of a residual
///    network, steps × stages of a fixed-step neural ODE) must not exceed
///    `--max-evaluations` (default 1 000 000). Adaptive solvers stop on their own after
///    100 000 attempted steps (the default `SolverOptions.maximumSteps`).
///
/// A refused run is a one-line error naming the quantity, its estimate and the limit,
/// never a failed allocation.
struct ResourceBudget {
    var memoryBytes: Double
    var evaluations: Double

    /// Half the physical memory: room for the OS and the other processes on the machine.
    static var defaultMemoryBytes: Double { Double(ProcessInfo.processInfo.physicalMemory) / 2 }
    static let defaultEvaluations = 1_000_000

    init(memory: MemorySize?, evaluations: Int) {
        memoryBytes = memory.map { Double($0.bytes) } ?? Self.defaultMemoryBytes
        self.evaluations = Double(evaluations)
    }

    /// - Throws: `CLIError` when `bytes` exceeds the memory budget.
    func requireMemory(_ bytes: Double, for what: String) throws {
        guard bytes <= memoryBytes else {
            throw CLIError("\(what) would need about \(MemorySize.format(bytes)) of memory, over the budget of "
                           + "\(MemorySize.format(memoryBytes)) (raise it with --max-memory)")
        }
    }

    /// - Throws: `CLIError` when one forward pass would evaluate the vector field more than allowed.
    func requireEvaluations(_ count: Double, for what: String) throws {
        guard count <= evaluations else {
            throw CLIError("\(what) means \(MemorySize.plain(count)) vector-field evaluations per forward pass, over the limit of "
                           + "\(MemorySize.plain(evaluations)) (raise it with --max-evaluations)")
        }
    }
}

/// A byte count on the command line: a whole number with an optional binary suffix
/// `K`, `M`, `G` or `T` (×1024ⁿ), e.g. `512M`, `2G`; at least 1M, at most 1024T.
struct MemorySize: ExpressibleByArgument, Equatable {
    let bytes: UInt64

    init?(argument: String) {
        let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var text = argument.uppercased()
        if text.hasSuffix("B") { text.removeLast() }
        var factor: UInt64 = 1
        if let last = text.last, let unit = units[last] { factor = unit; text.removeLast() }
        guard let count = UInt64(text), count <= (1 << 50) / factor else { return nil }
        bytes = count * factor
        guard bytes >= 1 << 20 else { return nil }
    }

    static var defaultValueDescription: String { "half the physical memory" }

    /// `1.5 GiB`, `300.0 MiB`, … (binary units).
    static func format(_ bytes: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = bytes, i = 0
        while value >= 1024 && i < units.count - 1 { value /= 1024; i += 1 }
        return value >= 1e6 ? String(format: "%.3g %@", value, units[i]) : String(format: "%.1f %@", value, units[i])
    }

    /// A count without a fractional part, or in scientific notation when huge.
    static func plain(_ x: Double) -> String { x < 1e15 ? String(format: "%.0f", x) : String(format: "%.3g", x) }
}
