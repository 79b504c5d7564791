// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL
import Foundation

/// A GSL step-size control type with a weight per component: GSL's `y`
/// control (`gsl_odeiv2_control_y_new`, the standard control with `a_y = 1`,
/// `a_dydt = 0`) where component `i` enters the error ratio scaled by `wᵢ ≥ 0`:
///
///     Dᵢ = atol + rtol·|yᵢ|,     r = max over i with wᵢ > 0 of  wᵢ·|errᵢ| / Dᵢ
///
/// then, as in GSL's `std_control_hadjust` (safety factor S = 0.9, order q of
/// the stepper): `r > 1.1` shrinks the step to `h·max(0.2, S·r^(−1/q))`,
/// `r < 0.5` grows it to `h·min(5, max(1, S·r^(−1/(q+1))))`, otherwise `h` is kept.
/// With every `wᵢ = 1` it takes exactly GSL's steps. A component with `wᵢ = 0`
/// is left out of the test: the norm becomes a seminorm.
///
/// Two generalisations make GSL accept the options of the own solvers
/// (`SolverOptions`): one `atolᵢ` per component in `Dᵢ = atolᵢ + rtol·|yᵢ|`,
/// and the RMS norm over the tested components (those with `wᵢ > 0`, `m` of them)
///
///     r = √( (1/m) Σ (wᵢ·|errᵢ| / Dᵢ)² )
///
/// in place of the maximum (the norm of Hairer's `dopri5`, torchdiffeq and
/// diffrax), with GSL's step-size rule above unchanged. A component with `Dᵢ = 0`
/// and `errᵢ = 0` counts as 0.
///
/// Implicit and multistep steppers also ask the control for per-component
/// levels (`errlevel`) to stop their inner iterations; they get `Dᵢ / wᵢ`, and
/// an excluded component keeps the unweighted `Dᵢ`, so those iterations still
/// converge on it.
///
/// GSL only knows the control through a `gsl_odeiv2_control_type` of C
/// callbacks. The type struct lives as long as this object; the control itself
/// (and its state, which holds a copy of the weights) belongs to the driver,
/// which frees it. So the owner frees the driver before this object.
///
/// Reference: GSL Reference Manual, “Ordinary Differential Equations”, §
/// “Adaptive Step-size Control” (`gsl_odeiv2_control_alloc` for new control types).
final class WeightedErrorControl {
    private let controlType: UnsafeMutablePointer<gsl_odeiv2_control_type>

    init() {
        controlType = .allocate(capacity: 1)
        controlType.initialize(to: gsl_odeiv2_control_type(
            name: UnsafeRawPointer(WeightedErrorControl.name.utf8Start).assumingMemoryBound(to: CChar.self),
            alloc: weightedControlAllocate,
            init: weightedControlInitialize,
            hadjust: weightedControlAdjust,
            errlevel: weightedControlErrorLevel,
            set_driver: weightedControlSetDriver,
            free: weightedControlFree))
    }

    deinit {
        controlType.deinitialize(count: 1)
        controlType.deallocate()
    }

    /// Replaces `driver`'s control by a weighted one with the same tolerances.
    /// - Throws: `GSLODEError.library` if GSL cannot allocate or initialise it
    ///   (the driver keeps its old control then).
    func install(in driver: UnsafeMutablePointer<gsl_odeiv2_driver>, weights: [Double],
                 absoluteTolerance: Double, relativeTolerance: Double,
                 absoluteTolerances: [Double]? = nil, rootMeanSquare: Bool = false) throws {
        guard let control = gsl_odeiv2_control_alloc(controlType) else {
            throw GSLODEError.library(operation: "gsl_odeiv2_control_alloc", error: .outOfMemory)
        }
        let status = gsl_odeiv2_control_init(control, absoluteTolerance, relativeTolerance, 1, 0)
        guard status == GSLError.successCode, let state = control.pointee.state else {
            gsl_odeiv2_control_free(control)
            throw GSLODEError.library(operation: "gsl_odeiv2_control_init", error: GSLError(code: status))
        }
        let typed = state.assumingMemoryBound(to: WeightedControlState.self)
        typed.pointee.weights = weights
        typed.pointee.absoluteTolerances = absoluteTolerances ?? []
        typed.pointee.rootMeanSquare = rootMeanSquare
        gsl_odeiv2_control_free(driver.pointee.c)
        driver.pointee.c = control
        gsl_odeiv2_control_set_driver(control, driver)
    }

    private static let name: StaticString = "resode_weighted_y"
}

/// The state behind GSL's `control->state`, allocated by the `alloc` callback
/// and freed by the `free` callback.
private struct WeightedControlState {
    var absoluteTolerance = 0.0
    var relativeTolerance = 0.0
    var stateFactor = 1.0
    var derivativeFactor = 0.0
    var weights: [Double] = []
    /// `atolᵢ` per component; empty: `absoluteTolerance` for every component.
    var absoluteTolerances: [Double] = []
    /// RMS over the tested components instead of the maximum.
    var rootMeanSquare = false
}

private func weightedControlAllocate() -> UnsafeMutableRawPointer? {
    let state = UnsafeMutablePointer<WeightedControlState>.allocate(capacity: 1)
    state.initialize(to: WeightedControlState())
    return UnsafeMutableRawPointer(state)
}

private func weightedControlInitialize(_ rawState: UnsafeMutableRawPointer?, _ absoluteTolerance: Double,
                                       _ relativeTolerance: Double, _ stateFactor: Double,
                                       _ derivativeFactor: Double) -> Int32 {
    guard let rawState else { return Int32(GSL_EFAULT) }
    guard absoluteTolerance >= 0, relativeTolerance >= 0, stateFactor >= 0, derivativeFactor >= 0 else {
        return Int32(GSL_EINVAL)
    }
    let state = rawState.assumingMemoryBound(to: WeightedControlState.self)
    state.pointee.absoluteTolerance = absoluteTolerance
    state.pointee.relativeTolerance = relativeTolerance
    state.pointee.stateFactor = stateFactor
    state.pointee.derivativeFactor = derivativeFactor
    return GSLError.successCode
}

// Mirrors GSL 2.7's `std_control_hadjust` operation for operation, so that unit
// weights reproduce GSL's own steps bit for bit (a test checks it).
private func weightedControlAdjust(_ rawState: UnsafeMutableRawPointer?, _ dimension: Int, _ order: UInt32,
                                   _ y: UnsafePointer<Double>?, _ yerr: UnsafePointer<Double>?,
                                   _ yp: UnsafePointer<Double>?, _ h: UnsafeMutablePointer<Double>?) -> Int32 {
    guard let rawState, let y, let yerr, let h else { return Int32(GSL_EFAULT) }
    let state = rawState.assumingMemoryBound(to: WeightedControlState.self)
    let (epsAbs, epsRel) = (state.pointee.absoluteTolerance, state.pointee.relativeTolerance)
    let (aY, aDydt) = (state.pointee.stateFactor, state.pointee.derivativeFactor)
    let safety = 0.9
    let hOld = h.pointee
    var rmax = Double.leastNormalMagnitude  // DBL_MIN
    if state.pointee.rootMeanSquare || !state.pointee.absoluteTolerances.isEmpty {
        rmax = Swift.max(rmax, generalisedRatio(state, dimension, y, yerr, yp, hOld))
    } else {
    state.pointee.weights.withUnsafeBufferPointer { weights in
        let count = min(dimension, weights.count)
        // A zero weight gives r = 0 (or NaN when Dᵢ = 0), which the maximum below
        // ignores as GSL_MAX_DBL does; so no branch is needed to skip it.
        if aDydt == 0 || yp == nil {
            // a_dydt·|h·y′ᵢ| is exactly 0 here (y′ is finite), so this is the same expression.
            for i in 0..<count {
                let d0 = epsRel * (aY * Swift.abs(y[i])) + epsAbs
                let r = weights[i] * Swift.abs(yerr[i]) / Swift.abs(d0)
                rmax = r > rmax ? r : rmax
            }
        } else if let yp {
            for i in 0..<count {
                let d0 = epsRel * (aY * Swift.abs(y[i]) + aDydt * Swift.abs(hOld * yp[i])) + epsAbs
                let r = weights[i] * Swift.abs(yerr[i]) / Swift.abs(d0)
                rmax = r > rmax ? r : rmax
            }
        }
    }
    }
    if rmax > 1.1 {
        // Decrease, by no more than a factor of 5, and by S more than the error suggests.
        var r = safety / pow(rmax, 1.0 / Double(order))
        if r < 0.2 { r = 0.2 }
        h.pointee = r * hOld
        return Int32(GSL_ODEIV_HADJ_DEC)
    } else if rmax < 0.5 {
        // Increase, by no more than a factor of 5, and never decrease because S < 1.
        var r = safety / pow(rmax, 1.0 / (Double(order) + 1.0))
        if r > 5.0 { r = 5.0 }
        if r < 1.0 { r = 1.0 }
        h.pointee = r * hOld
        return Int32(GSL_ODEIV_HADJ_INC)
    }
    return Int32(GSL_ODEIV_HADJ_NIL)
}

/// `r` with per-component `atolᵢ` and/or the RMS norm (see `WeightedErrorControl`).
private func generalisedRatio(_ state: UnsafeMutablePointer<WeightedControlState>, _ dimension: Int,
                              _ y: UnsafePointer<Double>, _ yerr: UnsafePointer<Double>,
                              _ yp: UnsafePointer<Double>?, _ hOld: Double) -> Double {
    let (epsRel, epsAbs) = (state.pointee.relativeTolerance, state.pointee.absoluteTolerance)
    let (aY, aDydt) = (state.pointee.stateFactor, state.pointee.derivativeFactor)
    let weights = state.pointee.weights
    let tolerances = state.pointee.absoluteTolerances
    let rootMeanSquare = state.pointee.rootMeanSquare
    var largest = 0.0
    var sumOfSquares = 0.0
    var tested = 0
    for i in 0..<min(dimension, weights.count) where weights[i] > 0 {
        let atol = tolerances.isEmpty ? epsAbs : tolerances[i]
        let derivativeTerm = (aDydt == 0 || yp == nil) ? 0 : aDydt * Swift.abs(hOld * (yp?[i] ?? 0))
        let d0 = epsRel * (aY * Swift.abs(y[i]) + derivativeTerm) + atol
        let error = weights[i] * Swift.abs(yerr[i])
        let r = error == 0 ? 0 : error / Swift.abs(d0)
        if r.isNaN { return .infinity }
        largest = Swift.max(largest, r)
        sumOfSquares += r * r
        tested += 1
    }
    guard tested > 0 else { return 0 }
    return rootMeanSquare ? (sumOfSquares / Double(tested)).squareRoot() : largest
}

private func weightedControlErrorLevel(_ rawState: UnsafeMutableRawPointer?, _ y: Double, _ dydt: Double,
                                       _ h: Double, _ index: Int, _ level: UnsafeMutablePointer<Double>?) -> Int32 {
    guard let rawState, let level else { return Int32(GSL_EFAULT) }
    let state = rawState.assumingMemoryBound(to: WeightedControlState.self)
    let d0 = state.pointee.relativeTolerance
        * (state.pointee.stateFactor * Swift.abs(y) + state.pointee.derivativeFactor * Swift.abs(h * dydt))
        + (index < state.pointee.absoluteTolerances.count
            ? state.pointee.absoluteTolerances[index] : state.pointee.absoluteTolerance)
    let weight = index < state.pointee.weights.count ? state.pointee.weights[index] : 1
    level.pointee = weight > 0 ? d0 / weight : d0
    return level.pointee > 0 ? GSLError.successCode : Int32(GSL_ESANITY)
}

private func weightedControlSetDriver(_ rawState: UnsafeMutableRawPointer?,
                                      _ driver: UnsafePointer<gsl_odeiv2_driver>?) -> Int32 {
    GSLError.successCode
}

private func weightedControlFree(_ rawState: UnsafeMutableRawPointer?) {
    guard let rawState else { return }
    let state = rawState.assumingMemoryBound(to: WeightedControlState.self)
    state.deinitialize(count: 1)
    state.deallocate()
}
