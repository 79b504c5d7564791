// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// The dense output of a GSL solve as a `DenseInterpolant`: on each accepted
/// step the cubic Hermite polynomial through the states and derivatives
/// `f(tₙ, xₙ)`, `f(tₙ₊₁, xₙ₊₁)` at its ends (`HermiteCubic`, `GSLDenseOutput`),
/// with local error `O(h⁴)` (`order` 3), whatever the stepper's own order. The
/// derivatives are GSL's own first-stage values, so it costs no evaluation of `f`.
public struct GSLHermiteInterpolant: DenseInterpolant {
    /// The step ends with their states and derivatives (flat `batch·d` values each).
    public let denseOutput: GSLDenseOutput
    /// `[batch, d]`.
    public let stateShape: [Int]

    /// Where the solve stopped inside its last step (a terminal event); `nil`: the last step end.
    public let reachedTime: Double?

    public init(_ denseOutput: GSLDenseOutput, stateShape: [Int], reachedTime: Double? = nil) {
        self.denseOutput = denseOutput
        self.stateShape = stateShape
        self.reachedTime = reachedTime
    }

    public var startTime: Double { denseOutput.times[0] }
    public var endTime: Double { reachedTime ?? denseOutput.times[denseOutput.times.count - 1] }
    public var order: Int { 3 }

    public func value(at t: Double) throws -> Tensor {
        try checkCovers(t)
        return try Tensor(shape: stateShape, scalars: try translatingSolverErrors { try denseOutput.evaluate(at: t) })
    }
}
