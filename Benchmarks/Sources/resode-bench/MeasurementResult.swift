// SPDX-License-Identifier: GPL-3.0-or-later

/// The timings of one implementation of one measure, one entry per round.
struct MeasurementResult {
    static let ours = "ours"
    static let floor = "gemm-floor"

    let workload: String
    let measure: String
    /// `ours`, `gemm-floor`, or a peer's name.
    let implementation: String
    var roundMedians: [Double] = []
    var roundMinimums: [Double] = []
    /// Median process CPU time in each round, seconds.
    var roundCPUMedians: [Double] = []
    /// CPU time over wall time in each round (1 = had the CPU to itself).
    var roundCPUOverWall: [Double] = []
    var compileSeconds: [Double] = []
    /// The last JSON object the peer printed (empty for ours).
    var peerFields: [String: Any] = [:]

    /// The median of the round medians, seconds.
    var median: Double { medianOf(roundMedians) }
    /// The median of the round CPU-time medians, seconds.
    var cpuMedian: Double { medianOf(roundCPUMedians) }

    mutating func append(_ sample: TimingSample) {
        roundMedians.append(sample.median)
        roundMinimums.append(sample.minimum)
        roundCPUMedians.append(sample.cpuMedian)
        roundCPUOverWall.append(sample.cpuOverWall)
    }
}
