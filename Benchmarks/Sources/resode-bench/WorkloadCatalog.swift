// SPDX-License-Identifier: GPL-3.0-or-later

/// The workloads `resode-bench` knows, by name.
enum WorkloadCatalog {
    static let names = ["W1", "W1b"]

    /// Loads the inputs of the workload called `name` from `data`.
    static func workload(named name: String, data: BenchmarkData) throws -> any Workload {
        switch name {
        case "W1": return try ResidualTrainStep(isResidual: true, data: data)
        case "W1b": return try ResidualTrainStep(isResidual: false, data: data)
        default: throw BenchmarkError.unknownWorkload(name, known: names)
        }
    }
}
