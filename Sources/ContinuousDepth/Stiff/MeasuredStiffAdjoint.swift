// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A stiff adjoint that reports, with the gradient, the implicit work of both passes
/// and the forward data it held (`StiffAdjointResult`): `StiffAdjoint` and
/// `CheckpointedStiffAdjoint`. Its `gradient` is `measuredGradient(…).gradient`.
public protocol MeasuredStiffAdjoint: ODEGradientComputation {
    /// The gradient, the implicit work of both passes and the dense-output memory held.
    /// - Throws: as `ODEGradientComputation.gradient(of:initialState:from:observationTimes:loss:)`.
    func measuredGradient<Field: VectorField>(of field: Field, initialState x0: Tensor, from t0: Double,
                                              observationTimes: [Double],
                                              loss: ([Variable]) throws -> Variable) throws -> StiffAdjointResult
}

extension MeasuredStiffAdjoint {
    public func gradient<Field: VectorField>(of field: Field, initialState x0: Tensor, from t0: Double,
                                             observationTimes: [Double],
                                             loss: ([Variable]) throws -> Variable) throws -> ODEGradient {
        try measuredGradient(of: field, initialState: x0, from: t0, observationTimes: observationTimes, loss: loss).gradient
    }
}

extension StiffAdjoint: MeasuredStiffAdjoint {}
extension CheckpointedStiffAdjoint: MeasuredStiffAdjoint {}
