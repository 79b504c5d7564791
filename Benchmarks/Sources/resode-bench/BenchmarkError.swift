// SPDX-License-Identifier: GPL-3.0-or-later

/// What can stop a benchmark run, with the detail needed to fix it.
enum BenchmarkError: Error, CustomStringConvertible {
    case badOption(String)
    case missingInput(path: String)
    case badInput(String)
    case unknownWorkload(String, known: [String])
    case unknownMeasure(workload: String, measure: String, known: [String])
    case peerFailed(command: String, status: Int32, output: String)
    case peerOutputUnreadable(command: String, output: String)

    var description: String {
        switch self {
        case .badOption(let message): return message
        case .missingInput(let path): return "input file \(path) not found (pass --data DIR, the folder holding w1_*.npy)"
        case .badInput(let message): return message
        case .unknownWorkload(let name, let known): return "unknown workload '\(name)'; known: \(known.joined(separator: ", "))"
        case .unknownMeasure(let workload, let measure, let known):
            return "workload \(workload) has no measure '\(measure)'; it has \(known.joined(separator: ", "))"
        case .peerFailed(let command, let status, let output):
            return "peer command failed with status \(status): \(command)\n\(output)"
        case .peerOutputUnreadable(let command, let output):
            return "peer printed no JSON line: \(command)\n\(output)"
        }
    }
}
