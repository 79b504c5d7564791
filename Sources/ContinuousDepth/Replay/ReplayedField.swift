// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore

/// A `TraceableField` with its own parameters, evaluated by replaying its trace:
/// the forward-only path of the own solvers (nothing is differentiated, so each
/// evaluation needs only the values). Same `dimension` and `parameters` as the
/// field; every call must pass untracked variables of the traced batch size.
///
/// One solve at a time: the replay's buffers are shared (hence `@unchecked Sendable`).
struct ReplayedField: VectorField, @unchecked Sendable {
    let dimension: Int
    let parameters: ParameterList
    private let replay: ReplayedRightHandSide
    private let stateShape: [Int]

    /// - Throws: `AutodiffError` when the field does not trace (callers then use the field itself).
    init(_ field: some TraceableField, batchSize: Int) throws {
        dimension = field.dimension
        parameters = field.parameters
        stateShape = [batchSize, field.dimension]
        let function = try TracedFunction(field: field, batchSize: batchSize,
                                          parameters: field.parameters.values.map { Variable($0) })
        replay = ReplayedRightHandSide(function: function, batchSize: batchSize)
    }

    /// `f(x, t)` from the trace; `theta` must be the field's own parameters, untracked.
    /// - Throws: `ContinuousDepthError.invalidArgument` for a tracked or wrongly shaped `x`.
    func callAsFunction(_ x: Variable, time t: Double, parameters theta: [Variable]) throws -> Variable {
        guard !x.isTracked, !theta.contains(where: \.isTracked), x.shape == stateShape else {
            throw ContinuousDepthError.invalidArgument(
                "a replayed field takes untracked states of shape \(stateShape); got \(x.shape)\(x.isTracked ? ", tracked" : "")")
        }
        return Variable(try replay.evaluate(x.value, at: t))
    }
}
