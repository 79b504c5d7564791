// SPDX-License-Identifier: GPL-3.0-or-later
import ResODE

/// The W4 field does not read `t`, so `∂f/∂t = 0` exactly; saying so spares RODAS4 (and
/// GSL's implicit steppers) the two-evaluation central difference in `t` per Jacobian.
extension StiffMLPField: TimeDifferentiableField {
    func partialTimeDerivative(at x: Tensor, time t: Double) throws -> Tensor { Tensor.zeros(like: x) }
}
