// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The error measure of an adaptive step: a norm of the local error estimate
/// `e`, each component scaled by its own tolerance,
///
///     sᵢ = atolᵢ + rtol · max(|y0ᵢ|, |y1ᵢ|)
///     ‖e‖ = √( (1/n) Σᵢ (eᵢ / sᵢ)² )      (`.rootMeanSquare`)
///     ‖e‖ = maxᵢ |eᵢ| / sᵢ               (`.maximum`)
///
/// over all `n = batch·d` components of the step from `y0` to `y1`; a step is
/// accepted when `‖e‖ ≤ 1`. The RMS norm is that of Hairer's `dopri5`,
/// torchdiffeq and diffrax; the maximum norm is GSL's (so the same tolerances
/// are tighter there, by up to `√n`). A component with `sᵢ = 0` (possible with
/// `atol = 0`) counts as 0 when `eᵢ = 0` and as infinite otherwise.
///
/// `atol` is one value for every component, or one per component: `d` values
/// (the state width, the same for every row of the batch) or `n = batch·d`.
///
/// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.4, eq. (4.11).
public struct ErrorTolerance: Sendable, Equatable {
    /// How the scaled components are combined into one number.
    public enum Norm: String, Sendable, Equatable, CaseIterable {
        /// `√((1/n) Σ (eᵢ/sᵢ)²)`.
        case rootMeanSquare = "rms"
        /// `max |eᵢ|/sᵢ`.
        case maximum = "max"
    }

    /// `rtol > 0`, finite.
    public let relative: Double
    /// `atol ≥ 0`, finite: one value, or one per component.
    public let absolute: [Double]
    /// RMS (default) or maximum.
    public let norm: Norm

    /// Checked tolerances with one `atol` for every component.
    /// - Throws: `ContinuousDepthError.invalidOption` naming `relativeTolerance` or
    ///   `absoluteTolerance` unless `rtol > 0`, `atol ≥ 0`, both finite.
    public init(relative: Double, absolute: Double, norm: Norm = .rootMeanSquare) throws {
        try self.init(relative: relative, absolutePerComponent: [absolute], norm: norm)
    }

    /// Checked tolerances with `atolᵢ` per component (`d` or `batch·d` values; 1 means all).
    /// - Throws: `ContinuousDepthError.invalidOption` naming the tolerance that is out of range.
    public init(relative: Double, absolutePerComponent absolute: [Double], norm: Norm = .rootMeanSquare) throws {
        guard relative > 0, relative.isFinite else {
            throw ContinuousDepthError.invalidOption(name: "relativeTolerance",
                                                     reason: "must be positive and finite; got \(relative)")
        }
        guard !absolute.isEmpty else {
            throw ContinuousDepthError.invalidOption(name: "absoluteTolerance",
                                                     reason: "needs one value, or one per component; got none")
        }
        if let k = absolute.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
            throw ContinuousDepthError.invalidOption(
                name: "absoluteTolerance",
                reason: "must be non-negative and finite; got \(absolute[k])\(absolute.count > 1 ? " at component \(k)" : "")")
        }
        self.relative = relative
        self.absolute = absolute
        self.norm = norm
    }

    /// Checks that `atol` fits a state of this shape (`[batch, d]`): 1, `d` or `batch·d` values.
    /// - Throws: `ContinuousDepthError.invalidOption(name: "absoluteTolerance", …)`.
    public func check(stateShape shape: [Int]) throws {
        let n = shape.reduce(1, *)
        let width = shape.last ?? 1
        guard absolute.count == 1 || absolute.count == width || absolute.count == n else {
            throw ContinuousDepthError.invalidOption(
                name: "absoluteTolerance",
                reason: "has \(absolute.count) values; a state of shape \(shape) needs 1, \(width) or \(n)")
        }
    }

    /// `‖e‖` for the step from `y0` to `y1`; NaN when any of them holds a NaN or
    /// an infinity (so that the step is rejected), 0 for an empty state.
    /// - Throws: `ContinuousDepthError.invalidArgument` when the three shapes differ,
    ///   `.invalidOption` when `atol` does not fit the shape.
    public func norm(of e: Tensor, from y0: Tensor, to y1: Tensor) throws -> Double {
        guard e.shape == y0.shape, y1.shape == y0.shape else {
            throw ContinuousDepthError.invalidArgument(
                "the error norm needs one shape; got error \(e.shape), y0 \(y0.shape), y1 \(y1.shape)")
        }
        return try self.norm(combining: [e], weights: [1], from: y0, to: y1)
    }

    /// `‖e‖` for the estimate `e = Σⱼ wⱼ kⱼ` of an embedded pair (`wⱼ = h(bⱼ − b̂ⱼ)`),
    /// computed without storing `e` (`Tensor.scaledError(combining:…)`).
    /// - Throws: `ContinuousDepthError.invalidArgument` when a shape differs from `y0`'s or
    ///   the weights do not match the stages, `.invalidOption` when `atol` does not fit the shape.
    public func norm(combining stages: [Tensor], weights: [Double], from y0: Tensor, to y1: Tensor) throws -> Double {
        guard !stages.isEmpty, weights.count == stages.count,
              y1.shape == y0.shape, stages.allSatisfy({ $0.shape == y0.shape }) else {
            throw ContinuousDepthError.invalidArgument(
                "the error norm needs one shape and one weight per stage; got stages \(stages.map(\.shape)), "
                    + "\(weights.count) weights, y0 \(y0.shape), y1 \(y1.shape)")
        }
        guard y0.count > 0 else { return 0 }
        if absolute.count != 1 { try check(stateShape: y0.shape) }
        return try Tensor.scaledError(combining: stages, weights: weights, from: y0, to: y1, absoluteTolerance: absolute,
                                      relativeTolerance: relative, reduction: norm == .maximum ? .maximum : .rootMeanSquare)
    }
}
