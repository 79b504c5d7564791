// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A 1-D slice of the loss along a direction `d`: `f(α) = L(θ + α·d)` on a grid of `α`.
public struct LossSlice: Sendable, Equatable {
    /// The grid `α_i`.
    public let coordinates: [Double]
    /// `L(θ + α_i·d)`.
    public let losses: [Double]
}

/// A 2-D slice of the loss on the plane spanned by `d₁, d₂`:
/// `f(α, β) = L(θ + α·d₁ + β·d₂)`.
public struct LossSurface: Sendable, Equatable {
    /// The grid `α_i` along `d₁`.
    public let firstCoordinates: [Double]
    /// The grid `β_j` along `d₂`.
    public let secondCoordinates: [Double]
    /// `losses[i][j] = L(θ + α_i·d₁ + β_j·d₂)`.
    public let losses: [[Double]]
}

/// Loss slices around a point `θ` of parameter space along (filter-normalised) directions,
/// the visualisation in which skip connections turn a chaotic landscape into a convex-looking
/// one (Li et al. 2018, Fig. 5). The loss is evaluated on constants (no tape).
///
/// Reference: Li, Xu, Taylor, Studer & Goldstein, NeurIPS 2018, §3–§5; Papers/seed-saddle (landscape and Hessian at the origin).
public enum LossLandscape {
    /// `L(θ + α·d)` for every `α` in `coordinates`.
    /// - Throws: `AnalysisError` for mismatched shapes or a non-scalar loss; whatever `loss` throws.
    public static func slice(of loss: ParameterLoss, at parameters: [Tensor], along direction: [Tensor],
                             coordinates: [Double]) throws -> LossSlice {
        try checkShapes(parameters, direction, name: "direction")
        let losses = try coordinates.map { alpha in
            try evaluate(loss, at: try combine(parameters, [(direction, alpha)]))
        }
        return LossSlice(coordinates: coordinates, losses: losses)
    }

    /// `L(θ + α·d₁ + β·d₂)` on the grid `firstCoordinates × secondCoordinates`.
    public static func surface(of loss: ParameterLoss, at parameters: [Tensor], along first: [Tensor], _ second: [Tensor],
                               firstCoordinates: [Double], secondCoordinates: [Double]) throws -> LossSurface {
        try checkShapes(parameters, first, name: "first direction")
        try checkShapes(parameters, second, name: "second direction")
        let losses = try firstCoordinates.map { alpha in
            try secondCoordinates.map { beta in
                try evaluate(loss, at: try combine(parameters, [(first, alpha), (second, beta)]))
            }
        }
        return LossSurface(firstCoordinates: firstCoordinates, secondCoordinates: secondCoordinates, losses: losses)
    }

    /// The loss at `θ` as a number.
    static func evaluate(_ loss: ParameterLoss, at parameters: [Tensor]) throws -> Double {
        let value = try loss(parameters.map { Variable($0) }).value
        guard value.count == 1, let scalar = value.scalar else { throw AnalysisError.nonScalarLoss(shape: value.shape) }
        return scalar
    }

    /// `θ + Σ_k c_k·d_k`.
    static func combine(_ parameters: [Tensor], _ terms: [([Tensor], Double)]) throws -> [Tensor] {
        var result = parameters
        for (direction, c) in terms where c != 0 {
            for k in result.indices { try result[k].add(direction[k], scaledBy: c) }
        }
        return result
    }

    static func checkShapes(_ parameters: [Tensor], _ direction: [Tensor], name: String) throws {
        guard parameters.map(\.shape) == direction.map(\.shape) else {
            throw AnalysisError.shapeMismatch(what: "the \(name)'s tensors", expected: parameters.map(\.count), got: direction.map(\.count))
        }
    }
}
