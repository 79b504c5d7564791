// SPDX-License-Identifier: GPL-3.0-or-later

/// The workloads `resode-bench` knows, by name.
enum WorkloadCatalog {
    static let names = ["W1", "W1b"] + NodeSpiralSolve.names + ["W2-precision", "W2-own"] + NodeBatchGradient.names + NodeBatchPrecision.names + ["W3-memory", "W4", "W4-scaling", "W4-gradient", "W4-adjoint", "W5"]

    /// Loads the inputs of the workload called `name` from `data`.
    static func workload(named name: String, data: BenchmarkData) throws -> any Workload {
        switch name {
        case "W1": return try ResidualTrainStep(isResidual: true, data: data)
        case "W1b": return try ResidualTrainStep(isResidual: false, data: data)
        case let w2 where NodeSpiralSolve.names.contains(w2): return try NodeSpiralSolve(name: w2, data: data)
        case "W2-precision": return try NodeSpiralPrecision(data: data)
        case "W2-own": return try NodeSpiralOwnMethods(data: data)
        case let w3 where NodeBatchGradient.names.contains(w3): return try NodeBatchGradient(name: w3, data: data)
        case let w3 where NodeBatchPrecision.names.contains(w3): return try NodeBatchPrecision(name: w3, data: data)
        case "W3-memory": return GradientMemory(data: data)
        case "W4": return try StiffNodeBatchPrecision(data: data)
        case "W4-scaling": return StiffNodeBatchScaling(data: data)
        case "W4-gradient": return StiffNodeBatchGradient(data: data)
        case "W4-adjoint": return try StiffAdjointCheckpointing(data: data)
        case "W5": return try ConvolutionalResNetTrainStep(data: data)
        case let probe where probe.hasPrefix(GradientMemoryProbe.prefix): return try GradientMemoryProbe(name: probe, data: data)
        default: throw BenchmarkError.unknownWorkload(name, known: names)
        }
    }
}
