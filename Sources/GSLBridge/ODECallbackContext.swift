// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL

/// The Swift side of GSL's `params` pointer: the system's functions, the error
/// a callback threw (Swift errors cannot unwind through C), and the counters.
///
/// Passed to GSL with `Unmanaged.passUnretained`; the owning `GSLODESolver`
/// keeps it alive as long as the driver.
final class ODECallbackContext {
    let dimension: Int
    let rightHandSide: GSLODESystem.BufferRightHandSide
    let jacobian: GSLODESystem.BufferJacobian?

    /// The first error raised in a callback since the last `resetForSolve()`;
    /// the solver rethrows it before looking at GSL's status.
    var pendingError: (any Error)?
    var rightHandSideEvaluations = 0
    var jacobianEvaluations = 0
    /// The most evaluations of `f` one solve may make (`nil`: no budget).
    var evaluationBudget: Int?
    /// The driver's stepper, whose `gsl_odeiv2_step_order` each evaluation of `f` reads.
    var stepper: UnsafePointer<gsl_odeiv2_step>?
    /// The stepper's order when `f` was last evaluated. The last evaluation of an
    /// accepted `gsl_odeiv2_evolve_apply` is `dydt_out` at the step's end, made
    /// before a variable-order stepper (`msadams`, `msbdf`) picks the next order, so
    /// after the step this is the order the accepted attempt used, rejected attempts
    /// and order resets included (`gsl_odeiv2_step_order` after the step is the next order).
    var orderAtLastEvaluation = 0

    init(system: GSLODESystem) {
        dimension = system.dimension
        rightHandSide = system.rightHandSide
        jacobian = system.jacobian
    }

    func resetForSolve() {
        pendingError = nil
        rightHandSideEvaluations = 0
        jacobianEvaluations = 0
    }

    /// Evaluates `f`, checks that it is finite, and turns any failure into
    /// `GSL_EBADFUNC`, which makes GSL stop at once.
    func evaluateRightHandSide(_ t: Double, _ y: UnsafePointer<Double>,
                               _ dydt: UnsafeMutablePointer<Double>) -> Int32 {
        if pendingError != nil { return ODECallbackContext.badFunction }
        if let evaluationBudget, rightHandSideEvaluations >= evaluationBudget {
            // The solver replaces `t` (a stage time) by the time its last accepted step reached.
            pendingError = GSLODEError.evaluationBudgetExhausted(maximumEvaluations: evaluationBudget, time: t)
            return ODECallbackContext.badFunction
        }
        rightHandSideEvaluations += 1
        if let stepper { orderAtLastEvaluation = Int(gsl_odeiv2_step_order(stepper)) }
        let output = UnsafeMutableBufferPointer(start: dydt, count: dimension)
        do {
            try rightHandSide(t, UnsafeBufferPointer(start: y, count: dimension), output)
        } catch {
            pendingError = error
            return ODECallbackContext.badFunction
        }
        // GSL accepts a NaN derivative as a successful step (a NaN error
        // estimate never fails the comparison), so it must be caught here.
        if let component = firstNonFinite(in: UnsafeBufferPointer(output)) {
            pendingError = GSLODEError.nonFiniteDerivative(time: t, component: component)
            return ODECallbackContext.badFunction
        }
        return GSLError.successCode
    }

    /// Evaluates `∂f/∂y` (row-major n×n) and `∂f/∂t`, with the same failure handling.
    func evaluateJacobian(_ t: Double, _ y: UnsafePointer<Double>,
                          _ dfdy: UnsafeMutablePointer<Double>,
                          _ dfdt: UnsafeMutablePointer<Double>) -> Int32 {
        if pendingError != nil { return ODECallbackContext.badFunction }
        guard let jacobian else {
            pendingError = GSLODEError.invalidArgument(reason: "GSL asked for a Jacobian the system does not have")
            return ODECallbackContext.badFunction
        }
        jacobianEvaluations += 1
        let stateJacobian = UnsafeMutableBufferPointer(start: dfdy, count: dimension * dimension)
        let timeDerivative = UnsafeMutableBufferPointer(start: dfdt, count: dimension)
        do {
            try jacobian(t, UnsafeBufferPointer(start: y, count: dimension), stateJacobian, timeDerivative)
        } catch {
            pendingError = error
            return ODECallbackContext.badFunction
        }
        for index in 0..<stateJacobian.count where !stateJacobian[index].isFinite {
            pendingError = GSLODEError.nonFiniteJacobian(time: t, index: index)
            return ODECallbackContext.badFunction
        }
        for index in 0..<dimension where !timeDerivative[index].isFinite {
            pendingError = GSLODEError.nonFiniteJacobian(time: t, index: stateJacobian.count + index)
            return ODECallbackContext.badFunction
        }
        return GSLError.successCode
    }

    static let badFunction = Int32(GSL_EBADFUNC)
}

/// `gsl_odeiv2_system.function`: forwards to the context behind `params`.
func rightHandSideTrampoline(_ t: Double, _ y: UnsafePointer<Double>?,
                             _ dydt: UnsafeMutablePointer<Double>?,
                             _ params: UnsafeMutableRawPointer?) -> Int32 {
    guard let params, let y, let dydt else { return Int32(GSL_EFAULT) }
    let context = Unmanaged<ODECallbackContext>.fromOpaque(params).takeUnretainedValue()
    return context.evaluateRightHandSide(t, y, dydt)
}

/// `gsl_odeiv2_system.jacobian`: forwards to the context behind `params`.
func jacobianTrampoline(_ t: Double, _ y: UnsafePointer<Double>?,
                        _ dfdy: UnsafeMutablePointer<Double>?,
                        _ dfdt: UnsafeMutablePointer<Double>?,
                        _ params: UnsafeMutableRawPointer?) -> Int32 {
    guard let params, let y, let dfdy, let dfdt else { return Int32(GSL_EFAULT) }
    let context = Unmanaged<ODECallbackContext>.fromOpaque(params).takeUnretainedValue()
    return context.evaluateJacobian(t, y, dfdy, dfdt)
}
