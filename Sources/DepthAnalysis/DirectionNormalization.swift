// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// How a random direction `d` in parameter space is rescaled before a loss slice
/// `L(θ + α·d)` is plotted, so that slices of differently scaled networks compare.
///
/// Filter normalisation (Li et al. 2018, §4): each filter of `d` is rescaled to the norm of
/// the same filter of `θ`,
///
///     d_{k,i} ← d_{k,i} · ‖θ_{k,i}‖ / ‖d_{k,i}‖
///
/// A *filter* of a convolution is one output channel. Our layers are `nn.Linear`
/// weights `W [out, in]` (`y = x·Wᵀ + b`), whose analogue is **one output row** `W_{i,:}`:
/// the weights into output unit `i`. So every rank-2 tensor is normalised row by row,
/// and a tensor of higher rank along its first axis (per output slice). Rank-0 and
/// rank-1 tensors (biases) are treated as in Li et al.'s code: set to zero (`zeroBiases`,
/// their default `ignore='biasbn'`) or replaced by the parameter itself.
///
/// Reference: Li, Xu, Taylor, Studer & Goldstein, "Visualizing the loss landscape of
/// neural nets" (NeurIPS 2018), §4 and their `net_plotter.py`; Papers/seed-saddle (landscape and Hessian at the origin).
public enum DirectionNormalization: Sendable, Equatable {
    /// Each output row (filter) rescaled to the norm of the parameter's row; biases zero.
    case filter
    /// Each output row rescaled as `filter`; biases set equal to the parameter (`d = θ`).
    case filterWithBiasesCopied
    /// Each whole tensor rescaled to the norm of the parameter tensor (biases included).
    case layer
    /// The raw Gaussian direction.
    case none

    /// Rescales `direction` (one tensor per parameter, same shapes) against `parameters`.
    /// A zero row of `d` stays zero rather than dividing by zero.
    /// - Throws: `AnalysisError.shapeMismatch` when the shapes differ.
    public func normalize(_ direction: [Tensor], against parameters: [Tensor]) throws -> [Tensor] {
        guard direction.map(\.shape) == parameters.map(\.shape) else {
            throw AnalysisError.shapeMismatch(what: "direction tensors", expected: parameters.map(\.count), got: direction.map(\.count))
        }
        return try zip(direction, parameters).map { d, theta in
            switch self {
            case .none:
                return d
            case .layer:
                return try DirectionNormalization.rescale(d, to: theta, blockSize: Swift.max(d.count, 1))
            case .filter, .filterWithBiasesCopied:
                if theta.rank <= 1 { return self == .filter ? Tensor.zeros(like: d) : theta }
                return try DirectionNormalization.rescale(d, to: theta, blockSize: d.count / Swift.max(d.shape[0], 1))
            }
        }
    }

    /// Rescales each consecutive block of `blockSize` elements of `d` to the norm of the same block of `θ`
    /// (`blockSize` divides the element count).
    static func rescale(_ d: Tensor, to theta: Tensor, blockSize: Int) throws -> Tensor {
        guard blockSize > 0, d.count > 0 else { return d }
        let rows = [d.count / blockSize, blockSize]
        let blocks = try d.reshaped(to: rows), thetaBlocks = try theta.reshaped(to: rows)
        let dNorms = try blocks.square().sum(alongAxes: [1], keepingDimensions: true)
        let thetaNorms = try thetaBlocks.square().sum(alongAxes: [1], keepingDimensions: true)
        let scales = try thetaNorms.zipMap(dNorms) { t, d in d > 0 ? (t / d).squareRoot() : 0 }
        return try (blocks * scales).reshaped(to: d.shape)
    }

    /// A standard Gaussian direction shaped like `parameters`, normalised by `self`.
    public func randomDirection(like parameters: [Tensor], using generator: inout SeededGenerator) throws -> [Tensor] {
        let raw = try parameters.map { try Tensor.randomNormal($0.shape, using: &generator) }
        return try normalize(raw, against: parameters)
    }
}
