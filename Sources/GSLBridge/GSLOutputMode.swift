// SPDX-License-Identifier: GPL-3.0-or-later

/// How a `GSLODESolver` produces the states at the output times.
///
/// GSL has no dense output of its own. `.interpolating` lets the step-size
/// control choose every step and reads the output times off a cubic Hermite
/// interpolant through the states and derivatives at the ends of the step that
/// contains them (`HermiteCubic`); `.steppingOntoOutputTimes` cuts steps so that
/// one ends exactly on each output time, as `gsl_odeiv2_driver_apply` does.
///
/// Cost. GSL's evolution already evaluates `f(tₙ₊₁, yₙ₊₁)` after every accepted
/// step (it is the next step's first stage, `dydt_out`, also for the multistep
/// and implicit steppers; measured with GSL 2.7.1 on all eleven), and `f(tₙ, yₙ)`
/// at its start (`dydt_in`), so the interpolant costs **no** evaluation of `f`:
/// a solve with 1 000 output times takes the same steps as one with none.
/// Stepping onto output times takes at least one step per output time (W2:
/// ≥ 6 000 evaluations of `rkf45` for 1 000 times at any tolerance).
///
/// Accuracy. The Hermite cubic has interpolation error
///
///     |y(t) − p(t)| ≤ h⁴/384 · max |y⁽⁴⁾|   on a step of length h
///
/// (Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.6), on top of the error of the
/// states at the step ends. Measured on `x″ = −x` over `[0, 25]` with 1 000 output
/// times, rtol = atol = 1e-4 … 1e-10 (GSL 2.7.1): the largest error at the output
/// times is at most 4× the largest error at the step ends for `rk2`, `rk4`,
/// `rkf45`, `rk2imp`, `rk4imp`, `msadams` and `msbdf`, and up to 17× for `rkck`
/// at 1e-10 — the steps these controls allow keep `h⁴` near the local error, so
/// interpolating is right and far cheaper when there are many output times. The
/// high-order steppers take steps too long for a cubic: `rk8pd` 450× (1e-4) to
/// 5·10⁵× (1e-10) the tolerance, `bsimp` 3·10⁴× to 10⁹×. For them step onto the
/// output times (their default), or interpolate only when the outputs may be
/// coarser than the tolerance (plots).
///
/// Multistep and implicit steppers (`msadams`, `msbdf`, `rk*imp`, `bsimp`) run
/// through the same GSL driver in both modes; interpolating also spares the
/// multistep methods the step-size changes that each cut forces on their history.
public enum GSLOutputMode: String, Sendable, CaseIterable {
    /// Step freely to the last output time; read the others off the Hermite cubic of their step.
    case interpolating
    /// Cut steps so that one ends exactly on each output time (GSL's driver behaviour).
    case steppingOntoOutputTimes

    /// The mode `GSLODESolver` uses for `stepType` when none is named:
    /// `.steppingOntoOutputTimes` for `rk8pd` and `bsimp` (steps too long for a
    /// cubic), else `.interpolating`.
    public static func `default`(for stepType: GSLStepType) -> GSLOutputMode {
        stepType == .rk8pd || stepType == .bsimp ? .steppingOntoOutputTimes : .interpolating
    }
}
