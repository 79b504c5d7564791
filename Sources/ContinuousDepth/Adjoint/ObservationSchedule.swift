// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The times at which a loss observes the solution,
///
///     t₀ < t₁ < … < t_K   (or all decreasing, for a solve backwards in time),
///
/// checked once, and the evaluation of the loss on the states there.
struct ObservationSchedule {
    let initialTime: Double
    let times: [Double]

    /// - Throws: `ContinuousDepthError.invalidArgument` unless `t₀` and the times are
    ///   finite, there is at least one, and they move strictly away from `t₀`.
    init(initialTime t0: Double, times: [Double]) throws {
        guard t0.isFinite else {
            throw ContinuousDepthError.invalidArgument("the initial time must be finite; got \(t0)")
        }
        guard let last = times.last else {
            throw ContinuousDepthError.invalidArgument("observation times must not be empty; pass [t1] to observe the final state")
        }
        let direction: Double = last >= t0 ? 1 : -1
        var previous = t0
        for (index, time) in times.enumerated() {
            guard time.isFinite, direction * (time - previous) > 0 else {
                throw ContinuousDepthError.invalidArgument(
                    "observation time \(time) at index \(index) must be finite and strictly "
                        + (direction > 0 ? "after" : "before") + " \(previous) (times move away from t0 = \(t0))")
            }
            previous = time
        }
        self.initialTime = t0
        self.times = times
    }

    var finalTime: Double { times[times.count - 1] }

    /// The loss `ℓ(x(t₁), …, x(t_K))` and its cotangents `∂ℓ/∂x(tₖ)`.
    /// - Throws: `AutodiffError.nonScalarOutput` when the loss is not a scalar, and
    ///   whatever the loss throws.
    static func evaluate(_ loss: ([Variable]) throws -> Variable, at states: [Tensor]) throws
        -> (value: Double, cotangents: [Tensor]) {
        let (value, cotangents) = try valueWithGradient(at: states, in: loss)
        return (value, cotangents)
    }
}
