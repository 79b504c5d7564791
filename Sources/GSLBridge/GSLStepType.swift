// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL

/// The stepping methods of GSL's `gsl_odeiv2`, named as GSL names them.
///
/// Every method returns a local error estimate, which the adaptive driver uses
/// with the test `|errᵢ| ≤ atol + rtol·|yᵢ|` on each component (a max norm, not
/// the RMS norm of SciPy or torchdiffeq).
///
/// Reference: GSL Reference Manual, §“Ordinary Differential Equations”, “Stepping
/// Functions”; measured facts in `/work/shared/GSL-NOTES.md`.
public enum GSLStepType: String, CaseIterable, Sendable {
    /// Explicit embedded Runge–Kutta 2(3) (Euler–Cauchy). Propagates the
    /// third-order value, so the observed global order is about 3.
    case rk2
    /// Classical explicit RK4; error by step doubling, and the returned value is
    /// the result of two half steps (11 evaluations of f per step).
    case rk4
    /// Explicit embedded Runge–Kutta–Fehlberg 4(5).
    case rkf45
    /// Explicit embedded Runge–Kutta Cash–Karp 4(5).
    case rkck
    /// Explicit embedded Runge–Kutta Prince–Dormand 8(9).
    case rk8pd
    /// Implicit (backward) Euler, `yₙ₊₁ = yₙ + h·f(tₙ₊₁, yₙ₊₁)`; error by step
    /// doubling (returns two half steps). Needs the Jacobian.
    case rk1imp
    /// Implicit midpoint rule (one-stage Gauss–Legendre), order 2; error by step
    /// doubling (returns two half steps). Needs the Jacobian.
    case rk2imp
    /// Two-stage Gauss–Legendre implicit Runge–Kutta, order 4; error by step
    /// doubling (returns two half steps). Needs the Jacobian.
    case rk4imp
    /// Bulirsch–Stoer extrapolation with the semi-implicit midpoint rule of Bader
    /// and Deuflhard (variable order). Needs the Jacobian.
    case bsimp
    /// Variable-coefficient linear multistep Adams method in Nordsieck form
    /// (orders 1–12, functional iteration). Keeps a step history.
    case msadams
    /// Variable-coefficient linear multistep backward differentiation formula
    /// (BDF, orders 1–5, Newton iteration) in Nordsieck form. Keeps a step
    /// history. Needs the Jacobian.
    case msbdf

    /// Whether GSL evaluates the Jacobian `∂f/∂y` (and `∂f/∂t`) for this method.
    /// GSL dereferences the Jacobian pointer without a check, so the bridge
    /// refuses to build a solver for these methods without one.
    public var usesJacobian: Bool {
        switch self {
        case .rk1imp, .rk2imp, .rk4imp, .bsimp, .msbdf: return true
        case .rk2, .rk4, .rkf45, .rkck, .rk8pd, .msadams: return false
        }
    }

    /// The order GSL's `gsl_odeiv2_step_order` reports for a fixed-order method
    /// (the order its step-size controller assumes); `nil` for the variable-order
    /// methods `bsimp`, `msadams` and `msbdf`.
    ///
    /// For `rk2` the observed global order is about 3 (see the case); for the
    /// embedded pairs `rkf45`, `rkck` and `rk8pd` GSL reports the higher order of
    /// the pair.
    public var order: Int? {
        switch self {
        case .rk2: return 2
        case .rk4: return 4
        case .rkf45, .rkck: return 5
        case .rk8pd: return 8
        case .rk1imp: return 1
        case .rk2imp: return 2
        case .rk4imp: return 4
        case .bsimp, .msadams, .msbdf: return nil
        }
    }

    /// Whether one GSL step of size `h` is computed as two steps of `h/2`, the
    /// full step serving only for the error estimate (`rk4`, `rk1imp`, `rk2imp`, `rk4imp`).
    public var usesStepDoubling: Bool {
        switch self {
        case .rk4, .rk1imp, .rk2imp, .rk4imp: return true
        case .rk2, .rkf45, .rkck, .rk8pd, .bsimp, .msadams, .msbdf: return false
        }
    }

    /// Whether the method is a linear multistep method that keeps a history of
    /// previous steps (reset at the start of every trajectory). Their order grows
    /// only after steps whose error estimate meets the tolerance, so with fixed
    /// steps it depends on the step size and the tolerance (see
    /// `GSLODESolver.solve(from:to:initial:stepCount:)`).
    public var isMultistep: Bool {
        self == .msadams || self == .msbdf
    }

    /// Whether each step solves a nonlinear system (implicit or semi-implicit method).
    public var isImplicit: Bool {
        switch self {
        case .rk1imp, .rk2imp, .rk4imp, .bsimp, .msbdf: return true
        case .rk2, .rk4, .rkf45, .rkck, .rk8pd, .msadams: return false
        }
    }

    /// GSL's step-type descriptor (a C global, read through the shim).
    var gslType: UnsafePointer<gsl_odeiv2_step_type>? {
        switch self {
        case .rk2: return resode_step_rk2()
        case .rk4: return resode_step_rk4()
        case .rkf45: return resode_step_rkf45()
        case .rkck: return resode_step_rkck()
        case .rk8pd: return resode_step_rk8pd()
        case .rk1imp: return resode_step_rk1imp()
        case .rk2imp: return resode_step_rk2imp()
        case .rk4imp: return resode_step_rk4imp()
        case .bsimp: return resode_step_bsimp()
        case .msadams: return resode_step_msadams()
        case .msbdf: return resode_step_msbdf()
        }
    }
}
