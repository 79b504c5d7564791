// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The right-hand side of the continuous adjoint (Chen et al. 2018, eq. 4 and
/// appendix B) on the augmented state
///
///     s = [x, a, a_θ] ∈ ℝⁿ × ℝⁿ × ℝᴾ,   n = batch·d,  P = number of parameters
///     x′   =  f(x, t; θ)
///     a′   = −aᵀ ∂f/∂x
///     a_θ′ = −aᵀ ∂f/∂θ
///
/// integrated backwards in time. One `valueWithPullback` per evaluation records
/// one small tape and gives `f` and both vector–Jacobian products; nothing is
/// kept between evaluations. `a_θ` is laid out as the parameters in
/// `parameters.names` order, each flattened row-major.
struct AdjointDynamics {
    let field: any VectorField
    let stateShape: [Int]
    let parameters: [Tensor]

    init(field: some VectorField, batchSize: Int) {
        self.field = field
        self.stateShape = [batchSize, field.dimension]
        self.parameters = field.parameters.values
    }

    /// `n`, the length of `x` (and of `a`).
    var stateCount: Int { stateShape[0] * stateShape[1] }
    /// `P`, the length of `a_θ`.
    var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
    /// `2n + P`, the length of the augmented state.
    var dimension: Int { 2 * stateCount + parameterCount }

    func evaluate(_ t: Double, _ s: Span<Double>, _ dsdt: inout MutableSpan<Double>) throws {
        let n = stateCount
        let x = try Tensor(copying: s, from: 0, shape: stateShape)
        let a = try Tensor(copying: s, from: n, shape: stateShape)
        let field = self.field
        let (fx, pullback) = try valueWithPullback(at: [x] + parameters) { inputs in
            try field(inputs[0], time: t, parameters: Array(inputs[1...]))
        }
        guard fx.shape == stateShape else {
            throw ContinuousDepthError.invalidArgument(
                "the field returned shape \(fx.shape) at t = \(t) for a state of shape \(stateShape)")
        }
        let cotangents = try pullback(a)
        dsdt.write(fx, at: 0)
        dsdt.write(cotangents[0], at: n, scaledBy: -1)
        var offset = 2 * n
        for parameterCotangent in cotangents.dropFirst() {
            dsdt.write(parameterCotangent, at: offset, scaledBy: -1)
            offset += parameterCotangent.count
        }
    }

    // MARK: - Layout of the augmented state

    /// `[x, a, 0]`.
    func augmentedState(state x: Tensor, adjoint a: Tensor) -> [Double] {
        var s = x.scalars
        s.reserveCapacity(dimension)
        s.append(contentsOf: a.scalars)
        s.append(contentsOf: repeatElement(0, count: parameterCount))
        return s
    }

    /// Replaces the `x` part by a state from the forward pass.
    func replaceState(in s: inout [Double], with x: Tensor) {
        let values = x.scalars
        for i in values.indices { s[i] = values[i] }
    }

    /// Adds `∂ℓ/∂x(tₖ)` to the `a` part: the jump at an observation time.
    func addCotangent(_ cotangent: Tensor, to s: inout [Double]) {
        let values = cotangent.scalars
        let n = stateCount
        for i in values.indices { s[n + i] += values[i] }
    }

    /// The `a` part as a tensor `[batch, d]`.
    func adjoint(in s: [Double]) throws -> Tensor {
        try Tensor(shape: stateShape, scalars: Array(s[stateCount ..< 2 * stateCount]))
    }

    /// The `a_θ` part, split into tensors of the parameters' shapes.
    func parameterAdjoints(in s: [Double]) throws -> [Tensor] {
        var offset = 2 * stateCount
        return try parameters.map { parameter in
            defer { offset += parameter.count }
            return try Tensor(shape: parameter.shape, scalars: Array(s[offset ..< offset + parameter.count]))
        }
    }
}
