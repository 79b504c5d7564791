// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A vector field that knows its partial time derivative exactly:
///
///     ∂f/∂t (x, t; θ),   shape [batch, d] like x
///
/// GSL's implicit steppers receive `∂f/∂t` with the Jacobian (`bsimp` uses it).
/// A field that does not conform gets a central difference in `t` instead (see
/// `BatchODESystem.timeDerivative`), which is exact only for fields that do not
/// depend on `t`.
public protocol TimeDifferentiableField: VectorField {
    /// `∂f/∂t` at `(x, t)` with the field's own parameters, shape `[batch, d]`.
    func partialTimeDerivative(at x: Tensor, time t: Double) throws -> Tensor
}
