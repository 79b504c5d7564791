// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A variable-step, variable-order linear multistep method in Nordsieck form
/// (`NordsieckHistory`): its correction vector `l` for a step and the row
/// adjustments when its order changes by one. The coefficients depend on the
/// order, the new step `h` and the past steps only, so they are constants on the tape.
protocol NordsieckMethod {
    /// The highest order (12 for GSL's `msadams`, 5 for `msbdf`).
    static var maximumOrder: Int { get }
    /// `l₀ … l_q` (`l₀ = 1`) of a step of order `q` and size `h` after `pastStepSizes` (most recent first).
    static func coefficients(order q: Int, stepSize h: Double, pastStepSizes: [Double]) throws -> [Double]
    /// The rows of order `q + 1` from those of order `q`, before the rescaling to the new step `h`.
    static func raiseOrder(of history: inout NordsieckHistory, stepSize h: Double) throws
    /// The rows of order `q − 1` from those of order `q` (the top row is dropped), before the rescaling to `h`.
    static func lowerOrder(of history: inout NordsieckHistory, stepSize h: Double) throws
}

extension NordsieckMethod {
    /// `pastStepSizes[i]`, or a typed error when the history is shorter than the order needs.
    static func pastStep(_ i: Int, in pastStepSizes: [Double]) throws -> Double {
        guard i < pastStepSizes.count else {
            throw ContinuousDepthError.invalidArgument(
                "a multistep replay needs \(i + 1) past steps here and has \(pastStepSizes.count): GSL's order "
                    + "rose faster than its history allows")
        }
        return pastStepSizes[i]
    }
}
