// SPDX-License-Identifier: GPL-3.0-or-later

/// The checked time arguments of a solve: integrate from `t0` towards `t1`
/// (backwards when `t1 < t0`) and save as `OutputSchedule` says.
struct IntegrationSpan {
    let start: Double
    let end: Double
    /// `+1` forwards, `−1` backwards.
    let direction: Double
    /// The requested times, or `nil` for every step.
    let outputTimes: [Double]?

    /// The time where the solve may stop: the last output time, or `t1`.
    var stop: Double { outputTimes?.last ?? end }

    /// - Throws: `ContinuousDepthError.invalidArgument` naming the offending time.
    init(from t0: Double, to t1: Double, saving schedule: OutputSchedule) throws {
        guard t0.isFinite, t1.isFinite, t0 != t1 else {
            throw ContinuousDepthError.invalidArgument(
                "the time span needs finite t0 ≠ t1; got t0 = \(t0), t1 = \(t1)")
        }
        let direction: Double = t1 > t0 ? 1 : -1
        var outputTimes: [Double]? = nil
        if case let .times(times) = schedule {
            guard !times.isEmpty else {
                throw ContinuousDepthError.invalidArgument(
                    "the output times must list at least one time (for example [t1])")
            }
            for (k, t) in times.enumerated() {
                guard t.isFinite, direction * (t - t0) >= 0, direction * (t1 - t) >= 0 else {
                    throw ContinuousDepthError.invalidArgument(
                        "output time \(t) (index \(k)) lies outside the span from t0 = \(t0) to t1 = \(t1)")
                }
                if k > 0, direction * (t - times[k - 1]) < 0 {
                    throw ContinuousDepthError.invalidArgument(
                        "output times must be ordered from t0 = \(t0) towards t1 = \(t1); "
                            + "times[\(k)] = \(t) comes after times[\(k - 1)] = \(times[k - 1])")
                }
            }
            outputTimes = times
        }
        self.start = t0
        self.end = t1
        self.direction = direction
        self.outputTimes = outputTimes
    }
}
