// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Dense output of the implicit solvers: on each accepted step `[tₙ, tₙ + h]`
/// the cubic Hermite interpolant of the step-end values and slopes,
///
///     u(θ) = (1 − θ)yₙ + θyₙ₊₁ + θ(θ − 1)[(1 − 2θ)(yₙ₊₁ − yₙ) + (θ − 1)h fₙ + θ h fₙ₊₁],   θ = (t − tₙ)/h,
///
/// which matches `y` and `y′ = f` at both ends: local error O(h⁴) (order 3),
/// the interpolation diffrax uses for its ESDIRK and Rosenbrock methods.
/// Continuous, with continuous first derivative across steps.
///
/// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.6, eq. (6.7).
public struct HermiteDenseOutput: DenseInterpolant {
    struct Piece: Sendable {
        let start: Double, stepSize: Double
        let y0: [Double], y1: [Double], f0: [Double], f1: [Double]
    }

    public let startTime: Double
    public private(set) var endTime: Double
    public var order: Int { 3 }
    let shape: [Int]
    private var pieces: [Piece] = []
    /// The steps held (a measure of the memory: four states of the batch each).
    var pieceCount: Int { pieces.count }

    init(startTime: Double, shape: [Int]) {
        self.startTime = startTime
        self.endTime = startTime
        self.shape = shape
    }

    /// Adds the step from `t` to `t + h`, used up to `reached` (a terminal event may end it early).
    mutating func append(from t: Double, stepSize h: Double, state y0: [Double], slope f0: [Double],
                         endState y1: [Double], endSlope f1: [Double], reaching reached: Double) {
        pieces.append(Piece(start: t, stepSize: h, y0: y0, y1: y1, f0: f0, f1: f1))
        endTime = reached
    }

    /// `u(t)` on the step containing `t`.
    /// - Throws: `ContinuousDepthError.invalidArgument` for `t` outside `[startTime, endTime]`.
    public func value(at t: Double) throws -> Tensor {
        try checkCovers(t)
        return try Tensor(shape: shape, scalars: Self.evaluate(try piece(containing: t), at: t, clamped: true))
    }

    /// `u(t)` continued past the ends by the first or last step's cubic: the
    /// implicit methods evaluate stages outside a step (Kvaerno5 has `c₃ ≈ 1.23`),
    /// and the stiff adjoint asks for `x` there.
    func extrapolatedValue(at t: Double) throws -> Tensor {
        try Tensor(shape: shape, scalars: Self.evaluate(try piece(containing: t), at: t, clamped: false))
    }

    private func piece(containing t: Double) throws -> Piece {
        guard !pieces.isEmpty else {
            throw ContinuousDepthError.invalidArgument("the dense output holds no step yet")
        }
        let forward = endTime >= startTime
        // The last step whose start lies at or before t (in the direction of integration).
        var low = 0, high = pieces.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if forward ? pieces[middle].start <= t : pieces[middle].start >= t { low = middle } else { high = middle - 1 }
        }
        return pieces[low]
    }

    static func evaluate(_ piece: Piece, at t: Double, clamped: Bool = true) -> [Double] {
        let h = piece.stepSize
        let free = h == 0 ? 0 : (t - piece.start) / h
        let theta = clamped ? Swift.min(1, Swift.max(0, free)) : free
        let a = theta * (theta - 1)
        var out = [Double](repeating: 0, count: piece.y0.count)
        for i in out.indices {
            let (y0, y1) = (piece.y0[i], piece.y1[i])
            out[i] = (1 - theta) * y0 + theta * y1
                + a * ((1 - 2 * theta) * (y1 - y0) + (theta - 1) * h * piece.f0[i] + theta * h * piece.f1[i])
        }
        return out
    }
}
