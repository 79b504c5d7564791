// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL

extension GSLStepType {
    /// The order GSL itself reports for this method: `gsl_odeiv2_step_order` on a
    /// freshly allocated stepper (the order GSL's step-size controller assumes).
    ///
    /// For the fixed-order methods this is the order `order` states. For the
    /// variable-order methods it is state-dependent and only GSL's starting value:
    /// 1 for `msadams` and `msbdf` (they raise it under the adaptive controller),
    /// and for `bsimp` the constant GSL 2.7 returns for its extrapolation.
    ///
    /// - Throws: `GSLODEError.library` if GSL cannot allocate the stepper.
    public func orderReportedByGSL() throws -> Int {
        GSL.disableAbortOnError()
        // Dimension 1: the reported order does not depend on the system's size.
        guard let stepper = gsl_odeiv2_step_alloc(gslType, 1) else {
            throw GSLODEError.library(operation: "gsl_odeiv2_step_alloc", error: .outOfMemory)
        }
        defer { gsl_odeiv2_step_free(stepper) }
        return Int(gsl_odeiv2_step_order(stepper))
    }
}
