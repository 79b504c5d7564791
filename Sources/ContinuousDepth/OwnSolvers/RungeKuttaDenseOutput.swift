// SPDX-License-Identifier: GPL-3.0-or-later
import RungeKuttaMethods
import TensorCore

/// The dense output of an own Runge–Kutta solve: for every accepted step its
/// start `tₙ`, size `hₙ`, state `yₙ` and stages, evaluated with the method's
/// `ContinuousExtension`,
///
///     x(tₙ + θhₙ) ≈ yₙ + hₙ Σᵢ bᵢ(θ) kᵢ,   θ = (t − tₙ)/hₙ ∈ [0, 1],
///
/// so no evaluation of `f` is needed after the solve. Memory: one state and
/// `s` (or `s + 1`) stages per step, which is why a solve keeps it only on request.
public struct RungeKuttaDenseOutput: DenseInterpolant {
    /// The method's continuous extension.
    public let continuousExtension: ContinuousExtension
    public let startTime: Double
    public private(set) var endTime: Double
    public var order: Int { continuousExtension.order }
    private var segments: [Segment] = []

    /// One accepted step.
    struct Segment: Sendable {
        let start: Double
        let stepSize: Double
        let state: Tensor
        let stages: [Tensor]

        /// `yₙ + h Σ bᵢ(θ) kᵢ` at `t`, θ clamped into [0, 1].
        func value(at t: Double, extension ext: ContinuousExtension) throws -> Tensor {
            let theta = Swift.min(1, Swift.max(0, (t - start) / stepSize))
            return try RungeKuttaDenseOutput.combine(state, stages, weights: ext.weights(at: theta), stepSize: stepSize)
        }
    }

    init(continuousExtension: ContinuousExtension, startTime: Double) {
        self.continuousExtension = continuousExtension
        self.startTime = startTime
        self.endTime = startTime
    }

    /// Adds the accepted step from `t` of size `h`; the output now reaches `end`
    /// (`t + h`, or an earlier terminal event time).
    mutating func append(from t: Double, stepSize h: Double, state y: Tensor, stages: [Tensor], reaching end: Double) {
        segments.append(Segment(start: t, stepSize: h, state: y, stages: stages))
        endTime = end
    }

    public func value(at t: Double) throws -> Tensor {
        try checkCovers(t)
        guard let first = segments.first else {
            throw ContinuousDepthError.invalidArgument("the dense output holds no step")
        }
        let direction: Double = first.stepSize >= 0 ? 1 : -1
        // The last step that starts at or before t (in the direction of integration).
        var (low, high) = (0, segments.count - 1)
        while low < high {
            let middle = (low + high + 1) / 2
            if direction * (segments[middle].start - t) <= 0 { low = middle } else { high = middle - 1 }
        }
        return try segments[low].value(at: t, extension: continuousExtension)
    }

    /// `y + h Σⱼ wⱼ kⱼ` on tensors, skipping zero weights, term by term in the order of `j`
    /// (the same rounding as `RungeKuttaStep.combining` on untracked variables).
    static func combine(_ y: Tensor, _ k: [Tensor], weights w: [Double], stepSize h: Double) throws -> Tensor {
        var value = y
        for j in 0..<Swift.min(w.count, k.count) where w[j] != 0 {
            try value.add(k[j], scaledBy: h * w[j])
        }
        return value
    }
}
