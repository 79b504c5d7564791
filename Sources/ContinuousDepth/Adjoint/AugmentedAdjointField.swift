// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore

/// The augmented adjoint system `s′ = g(s, t)`, `s = [x, a, a_θ]` (see
/// `AdjointDynamics`), as a `VectorField` of one row of width `2n + P`, so that
/// any `ODESolver` — an own explicit Runge–Kutta scheme as well as a GSL stepper —
/// integrates the adjoint's backward pass as one more solve.
///
/// Forward only: it evaluates `g` on plain values (a traceable field's
/// augmented right-hand side is replayed from its trace, `ReplayedAdjointRightHandSide`)
/// and refuses tracked inputs. It keeps a replay workspace, so one instance
/// serves one solve at a time (`@unchecked Sendable`: the backward pass is sequential).
final class AugmentedAdjointField: VectorField, @unchecked Sendable {
    let dynamics: AdjointDynamics
    private let replay: ReplayedAdjointRightHandSide?

    /// - Throws: the tracing errors `traceUnlessUntraceable` does not turn into the untraced path.
    init(field: some VectorField, batchSize: Int) throws {
        dynamics = AdjointDynamics(field: field, batchSize: batchSize)
        replay = try (field as? any TraceableField).flatMap { traceable in
            try traceUnlessUntraceable { try ReplayedAdjointRightHandSide(field: traceable, batchSize: batchSize) }
        }
    }

    /// Whether `g` is replayed from the field's trace rather than recorded on a tape per evaluation.
    var replaysTrace: Bool { replay != nil }

    var dimension: Int { dynamics.dimension }
    var parameters: ParameterList { ParameterList() }

    func callAsFunction(_ s: Variable, time t: Double, parameters theta: [Variable]) throws -> Variable {
        guard !s.isTracked, theta.isEmpty else {
            throw ContinuousDepthError.invalidArgument(
                "the augmented adjoint system is integrated forward only (untracked state, no parameters)")
        }
        guard s.shape == [1, dimension] else {
            throw ContinuousDepthError.invalidArgument(
                "the augmented adjoint state must have shape [1, \(dimension)]; got \(s.shape)")
        }
        let input = s.value.scalars
        var output = [Double](repeating: 0, count: dimension)
        if let replay {
            try input.withUnsafeBufferPointer { state in
                try output.withUnsafeMutableBufferPointer { derivative in try replay.evaluate(t, state, derivative) }
            }
        } else {
            var span = output.mutableSpan
            try dynamics.evaluate(t, input.span, &span)
        }
        return Variable(try Tensor(shape: [1, dimension], scalars: output))
    }
}
