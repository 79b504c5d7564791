// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// The timing of one measurement: `warmup` untimed calls, then `runs` timed ones,
/// each timed by the wall clock and by the process CPU clock.
///
/// On a machine shared with other work the wall time of a pinned, single-threaded
/// process includes the time another process held its CPU; the CPU time does not.
struct TimingSample {
    /// Wall time of each timed call, seconds, in call order.
    let seconds: [Double]
    /// Process CPU time (all threads) of each timed call, seconds.
    let cpuSeconds: [Double]
    var median: Double { medianOf(seconds) }
    var minimum: Double { seconds.min() ?? .nan }
    var cpuMedian: Double { medianOf(cpuSeconds) }
    /// Total CPU time over total wall time: below 1 when another process took the CPU.
    var cpuOverWall: Double { cpuSeconds.reduce(0, +) / max(seconds.reduce(0, +), .leastNormalMagnitude) }

    static func measure(runs: Int, warmup: Int, _ body: () throws -> Void) rethrows -> TimingSample {
        for _ in 0..<warmup { try body() }
        var seconds: [Double] = [], cpuSeconds: [Double] = []
        seconds.reserveCapacity(runs)
        cpuSeconds.reserveCapacity(runs)
        for _ in 0..<runs {
            let (wall0, cpu0) = (clockSeconds(CLOCK_MONOTONIC), clockSeconds(CLOCK_PROCESS_CPUTIME_ID))
            try body()
            let (wall1, cpu1) = (clockSeconds(CLOCK_MONOTONIC), clockSeconds(CLOCK_PROCESS_CPUTIME_ID))
            seconds.append(wall1 - wall0)
            cpuSeconds.append(cpu1 - cpu0)
        }
        return TimingSample(seconds: seconds, cpuSeconds: cpuSeconds)
    }

    private static func clockSeconds(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}

/// The median of a list of numbers (the mean of the middle two for an even count).
func medianOf(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
}
