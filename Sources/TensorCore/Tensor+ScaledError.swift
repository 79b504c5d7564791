// SPDX-License-Identifier: GPL-3.0-or-later
import CKernels

extension Tensor {
    /// How `scaledError` combines the scaled components.
    public enum ScaledErrorReduction: Sendable {
        /// `√((1/n) Σ rᵢ²)`.
        case rootMeanSquare
        /// `max |rᵢ|`.
        case maximum
    }

    /// The error measure of an adaptive step from `y0` to `y1` whose local error
    /// estimate is the combination `e = Σⱼ wⱼ kⱼ` of `stages` (an embedded pair's
    /// `h Σ (bⱼ − b̂ⱼ) kⱼ`), in one pass that never stores `e` (`resode_scaled_error`):
    ///
    ///     sᵢ = atol[i mod m] + rtol · max(|y0ᵢ|, |y1ᵢ|),   rᵢ = eᵢ / sᵢ  (0 when eᵢ = 0)
    ///
    /// reduced to `√((1/n) Σ rᵢ²)` or `max |rᵢ|`; NaN when any `eᵢ` or `y1ᵢ` is NaN or
    /// infinite, 0 for empty tensors. `e` is accumulated in the order of `j`, as a
    /// sequence of `add(_:scaledBy:)` would, and the sum over `i` in the order of `i`:
    /// bit for bit the plain loop's result.
    ///
    /// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.4, eq. (4.11).
    /// - Parameters:
    ///   - stages: one or more tensors of `y0`'s shape, the `kⱼ`.
    ///   - weights: the `wⱼ`, one per stage.
    ///   - y0: the state at the start of the step.
    ///   - y1: the proposed state at its end, of `y0`'s shape.
    ///   - atol: the absolute tolerance, `m ≥ 1` values, `m` dividing the element count.
    ///   - rtol: the relative tolerance.
    ///   - reduction: root mean square or maximum over the components.
    /// - Throws: `TensorError.shapeMismatch` when a shape differs from `y0`'s,
    ///   `.invalidArgument` for no stages, a weight count that differs from the stage
    ///   count, or an `m` that is 0 or does not divide the count.
    public static func scaledError(combining stages: [Tensor], weights: [Double], from y0: Tensor, to y1: Tensor,
                                   absoluteTolerance atol: [Double], relativeTolerance rtol: Double,
                                   reduction: ScaledErrorReduction) throws -> Double {
        guard !stages.isEmpty, weights.count == stages.count else {
            throw TensorError.invalidArgument(
                operation: "scaledError", reason: "needs one weight per stage, at least one; got \(weights.count) weights "
                    + "for \(stages.count) stages")
        }
        for tensor in stages + [y1] where tensor.shape != y0.shape {
            throw TensorError.shapeMismatch(operation: "scaledError", lhs: y0.shape, rhs: tensor.shape)
        }
        let count = y0.count
        guard !atol.isEmpty, count % atol.count == 0 else {
            throw TensorError.invalidArgument(
                operation: "scaledError",
                reason: "needs 1 to \(count) absolute tolerances dividing the \(count) elements; got \(atol.count)")
        }
        guard count > 0 else { return 0 }
        var combined = 0.0
        withStageBuffers(stages[...], []) { stagePointers in
            y0.scalars.withUnsafeBufferPointer { p0 in
                y1.scalars.withUnsafeBufferPointer { p1 in
                    atol.withUnsafeBufferPointer { a in
                        resode_scaled_error(stagePointers, weights, stages.count, p0.baseAddress, p1.baseAddress, count,
                                            a.baseAddress, a.count, rtol, reduction == .maximum ? 1 : 0, &combined)
                    }
                }
            }
        }
        return reduction == .maximum ? combined : (combined / Double(count)).squareRoot()
    }

    /// `scaledError(combining: [self], weights: [1], …)`: the error measure of the estimate `self`.
    /// - Throws: as `scaledError(combining:weights:from:to:absoluteTolerance:relativeTolerance:reduction:)`.
    public func scaledError(from y0: Tensor, to y1: Tensor, absoluteTolerance atol: [Double],
                            relativeTolerance rtol: Double, reduction: ScaledErrorReduction) throws -> Double {
        try Tensor.scaledError(combining: [self], weights: [1], from: y0, to: y1, absoluteTolerance: atol,
                               relativeTolerance: rtol, reduction: reduction)
    }
}

/// Calls `body` with the base addresses of all `tensors` (valid only inside `body`).
private func withStageBuffers(_ tensors: ArraySlice<Tensor>, _ prefix: [UnsafePointer<Double>?],
                              _ body: ([UnsafePointer<Double>?]) -> Void) {
    guard let first = tensors.first else { return body(prefix) }
    first.scalars.withUnsafeBufferPointer { buffer in
        withStageBuffers(tensors.dropFirst(), prefix + [buffer.baseAddress], body)
    }
}
