// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge

extension GSLStepType {
    /// The stepper an adjoint's backward solve uses when none is named: this one
    /// when it needs no Jacobian (the augmented system has none), else `rkf45`.
    var defaultBackwardStepType: GSLStepType { usesJacobian ? .rkf45 : self }
}
