// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// One implementation's work–precision curve: at each tolerance, the time of a
/// solve and the error it achieved. Answers "how long does this method need to
/// reach error e" by interpolating log(time) linearly in log(error) between the
/// two tolerances whose errors bracket e (loosest first).
struct WorkPrecisionCurve {
    let name: String
    /// One point per tolerance, loosest first.
    var points: [Point] = []

    struct Point {
        let relativeTolerance: Double
        let seconds: Double
        let functionEvaluations: Int
        /// max |x(t1) − reference|.
        let error: Double
        /// The same maximum over all outputs.
        let errorEverywhere: Double
    }

    /// The time to reach `target` error, and the tolerances bracketing it; nil
    /// when no tolerance of the sweep reaches it. When the loosest tolerance
    /// already does, its time is returned (an upper bound).
    func seconds(toReach target: Double) -> (seconds: Double, tolerances: String)? {
        guard let k = points.firstIndex(where: { $0.error <= target }) else { return nil }
        let tight = points[k]
        guard k > 0 else { return (tight.seconds, String(format: "≤ %.0e", tight.relativeTolerance)) }
        let loose = points[k - 1]
        let span = Foundation.log(tight.error) - Foundation.log(loose.error)
        let weight = span == 0 ? 1 : (Foundation.log(target) - Foundation.log(loose.error)) / span
        let logTime = Foundation.log(loose.seconds) + weight * (Foundation.log(tight.seconds) - Foundation.log(loose.seconds))
        return (Foundation.exp(logTime),
                String(format: "%.0e…%.0e", loose.relativeTolerance, tight.relativeTolerance))
    }

    /// The point at `rtol`, if the sweep has it.
    func point(at rtol: Double) -> Point? {
        points.first { Swift.abs($0.relativeTolerance - rtol) <= 1e-6 * rtol }
    }

    /// A curve from a peer's sweep line (arrays `rtols`, `median_cpu_s`, `nfe`, `error`, `error_all`).
    init(name: String, peerFields fields: [String: Any]) throws {
        self.name = name
        func numbers(_ key: String) throws -> [Double] {
            guard let list = fields[key] as? [Any] else {
                throw BenchmarkError.badInput("peer \(name) sweep printed no array '\(key)'")
            }
            return list.map { ($0 as? NSNumber)?.doubleValue ?? .nan }
        }
        let (rtols, seconds, nfe, error, all) = (try numbers("rtols"), try numbers("median_cpu_s"), try numbers("nfe"),
                                                 try numbers("error"), try numbers("error_all"))
        guard [seconds.count, nfe.count, error.count, all.count].allSatisfy({ $0 == rtols.count }) else {
            throw BenchmarkError.badInput("peer \(name) sweep arrays differ in length")
        }
        points = rtols.indices.map {
            Point(relativeTolerance: rtols[$0], seconds: seconds[$0], functionEvaluations: Int(nfe[$0]),
                  error: error[$0], errorEverywhere: all[$0])
        }
    }

    init(name: String) {
        self.name = name
    }
}
