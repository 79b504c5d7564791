// SPDX-License-Identifier: GPL-3.0-or-later

/// One accepted step of an adaptive GSL solve, as a step observer sees it (for
/// example to locate events): its ends, the state at its end, the cubic Hermite
/// interpolant inside it (`HermiteCubic`, from copies of the states and
/// derivatives at both ends) and the solve's statistics so far.
public struct GSLAcceptedStep: Sendable {
    /// `tₙ`.
    public let start: Double
    /// `tₙ₊₁`.
    public let end: Double
    /// `yₙ₊₁`.
    public let endState: [Double]
    /// The work of the solve up to and including this step.
    public let statistics: GSLODEStatistics
    let startState: [Double]
    let startDerivative: [Double]
    let endDerivative: [Double]

    init(start: Double, end: Double, startState: [Double], startDerivative: [Double], endState: [Double],
         endDerivative: [Double], statistics: GSLODEStatistics) {
        self.start = start
        self.end = end
        self.startState = startState
        self.startDerivative = startDerivative
        self.endState = endState
        self.endDerivative = endDerivative
        self.statistics = statistics
    }

    /// `y(t)` on the step's Hermite cubic.
    /// - Throws: `GSLODEError.invalidArgument` when `t` is not finite or lies outside the step.
    public func state(at t: Double) throws -> [Double] {
        guard t.isFinite, t >= Swift.min(start, end), t <= Swift.max(start, end) else {
            throw GSLODEError.invalidArgument(reason: "the step covers [\(Swift.min(start, end)), \(Swift.max(start, end))]; got t = \(t)")
        }
        var output = [Double](repeating: 0, count: endState.count)
        startState.withUnsafeBufferPointer { ya in
            startDerivative.withUnsafeBufferPointer { fa in
                endState.withUnsafeBufferPointer { yb in
                    endDerivative.withUnsafeBufferPointer { fb in
                        output.withUnsafeMutableBufferPointer { out in
                            HermiteCubic.interpolate(at: t, from: start, to: end, startState: ya, startDerivative: fa,
                                                     endState: yb, endDerivative: fb, into: out)
                        }
                    }
                }
            }
        }
        return output
    }
}
