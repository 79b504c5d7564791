// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL

/// An adaptive ODE solver around one GSL `gsl_odeiv2_driver`: one step type,
/// one system, fixed tolerances, reusable for many trajectories.
///
/// Each accepted step satisfies, for every component `i`,
///
///     |errᵢ| ≤ absoluteTolerance + relativeTolerance · |yᵢ|
///
/// (GSL's `y` control: a max norm over components, not an RMS norm). With
/// `errorWeights` `wᵢ ≥ 0` the test becomes
///
///     wᵢ·|errᵢ| ≤ absoluteTolerance + relativeTolerance · |yᵢ|   for every i with wᵢ > 0
///
/// so `wᵢ = 0` leaves component `i` out of the error test (a seminorm, for
/// components nothing else depends on, such as a quadrature), and `wᵢ > 1`
/// tightens it. The step-size rule is GSL's own in both cases (see
/// `WeightedErrorControl`); unit weights take exactly GSL's steps. The loop
/// from `t0` to the output times is the one of `gsl_odeiv2_driver_apply`, run
/// here so that `maximumSteps` bounds the whole solve rather than each output
/// interval, and so that every step is counted. GSL has no dense output: by
/// default (`outputMode == .interpolating`) the solver steps freely and reads
/// the output times off a cubic Hermite interpolant of the step ends at no
/// extra evaluation; `.steppingOntoOutputTimes` steps exactly onto each output
/// time, as GSL's driver does (see `GSLOutputMode` for when each is right).
///
/// The solver owns GSL workspaces and is not thread-safe: use one solver per
/// thread. Every solve starts from a reset driver (multistep methods forget their
/// history), and a failed solve leaves the solver ready for the next one.
///
/// Reference: GSL Reference Manual, “Ordinary Differential Equations” (driver,
/// evolution, step-size control); `/work/shared/GSL-NOTES.md`.
public final class GSLODESolver {
    /// The GSL stepping method.
    public let stepType: GSLStepType
    /// `n`, the length of the state.
    public let dimension: Int
    /// `rtol` in `atol + rtol·|yᵢ|`; positive and finite.
    public let relativeTolerance: Double
    /// `atol` in `atol + rtol·|yᵢ|`; non-negative and finite.
    public let absoluteTolerance: Double
    /// `wᵢ` in `wᵢ·|errᵢ| ≤ atol + rtol·|yᵢ|`, one per component (`nil`: all 1,
    /// GSL's `y` control). `wᵢ = 0` excludes component `i` from the error test.
    public let errorWeights: [Double]?
    /// The magnitude of the first trial step; its sign follows the direction of
    /// integration. Clamped into `[minimumStepSize, maximumStepSize]`.
    public let initialStepSize: Double
    /// The solve fails with `stepSizeBelowMinimum` when the controller proposes
    /// a smaller step (0: no minimum). The last step onto an output time may be shorter.
    public let minimumStepSize: Double
    /// No step is longer than this (`.infinity`: no maximum).
    public let maximumStepSize: Double
    /// The solve fails with `tooManySteps` when it needs more attempted steps
    /// (accepted + rejected) than this. GSL retries rejected attempts inside one
    /// `gsl_odeiv2_evolve_apply` call, so the limit is checked before each call:
    /// the rejections of the last call may take the count past it.
    public let maximumSteps: Int
    /// The solve fails with `evaluationBudgetExhausted` instead of evaluating `f`
    /// more often than this (`nil`: no budget). Counted in the right-hand-side
    /// trampoline, so the budget is never exceeded, whatever the stepper.
    public let maximumEvaluations: Int?
    /// `atolᵢ` per component (`nil`: `absoluteTolerance` for all).
    public let absoluteTolerances: [Double]?
    /// Maximum (GSL's) or RMS norm of the scaled errors (see `GSLErrorNorm`).
    public let errorNorm: GSLErrorNorm
    /// The statistics of the last solve, successful or not: a failed solve
    /// throws a `GSLODEError` (no room for them there) and leaves its cost here.
    public internal(set) var lastStatistics = GSLODEStatistics()
    /// Whether output times are interpolated or stepped onto (see `GSLOutputMode`).
    public let outputMode: GSLOutputMode
    /// Whether a solve keeps every step end (`2·n` values per step) for
    /// `GSLODESolution.denseOutput`; off for callers that read only the output
    /// times of long solves of large states (the adjoint's backward solve).
    public let keepsDenseOutput: Bool

    private let context: ODECallbackContext
    // The driver keeps a pointer to the system struct, so it lives on the heap
    // for the driver's lifetime, as does the context behind its `params`.
    private let system: UnsafeMutablePointer<gsl_odeiv2_system>
    private let driver: UnsafeMutablePointer<gsl_odeiv2_driver>
    // Owns the control type the driver's control points to; released after the
    // driver (stored properties outlive `deinit`'s body).
    private let weightedControl: WeightedErrorControl?
    let state: UnsafeMutableBufferPointer<Double>
    let errorEstimate: UnsafeMutableBufferPointer<Double>

    /// Creates a solver for `system` with GSL's `stepType`.
    ///
    /// - Parameters:
    ///   - system: the right-hand side `f(t, y)` (and Jacobian, if any).
    ///   - stepType: the GSL method; implicit methods need `system.hasJacobian`.
    ///   - relativeTolerance: `rtol > 0`, finite.
    ///   - absoluteTolerance: `atol ≥ 0`, finite.
    ///   - errorWeights: `nil`, or one weight `wᵢ ≥ 0` (finite) per component, at
    ///     least one of them positive.
    ///   - initialStepSize: `|h₀| > 0`, finite.
    ///   - minimumStepSize: `hmin ≥ 0`, finite, at most `maximumStepSize`.
    ///   - maximumStepSize: `hmax > 0` (may be `.infinity`).
    ///   - maximumSteps: at least 1.
    ///   - outputMode: by default `GSLOutputMode.default(for: stepType)`.
    ///   - keepsDenseOutput: whether solutions carry the dense output (default true).
    ///   - absoluteTolerances: `nil`, or one `atolᵢ ≥ 0` (finite) per component.
    ///   - errorNorm: `.maximum` (GSL's) or `.rootMeanSquare`.
    ///   - maximumEvaluations: `nil`, or at least 1.
    /// - Throws: `GSLODEError.invalidArgument`, `.dimensionMismatch` (weights),
    ///   `.missingJacobian`, or `.library`
    ///   if GSL cannot allocate the driver. Nothing is passed to GSL before the
    ///   arguments are checked.
    public init(system: GSLODESystem, stepType: GSLStepType,
                relativeTolerance: Double, absoluteTolerance: Double, errorWeights: [Double]? = nil,
                initialStepSize: Double = 1e-6, minimumStepSize: Double = 0,
                maximumStepSize: Double = .infinity, maximumSteps: Int = 100_000,
                outputMode: GSLOutputMode? = nil, keepsDenseOutput: Bool = true,
                absoluteTolerances: [Double]? = nil, errorNorm: GSLErrorNorm = .maximum,
                maximumEvaluations: Int? = nil) throws {
        GSL.disableAbortOnError()
        func require(_ condition: Bool, _ reason: @autoclosure () -> String) throws {
            if !condition { throw GSLODEError.invalidArgument(reason: reason()) }
        }
        try require(system.dimension >= 1, "dimension must be at least 1; got \(system.dimension)")
        try require(relativeTolerance > 0 && relativeTolerance.isFinite,
                    "relativeTolerance must be positive and finite; got \(relativeTolerance)")
        try require(absoluteTolerance >= 0 && absoluteTolerance.isFinite,
                    "absoluteTolerance must be non-negative and finite; got \(absoluteTolerance)")
        try require(initialStepSize > 0 && initialStepSize.isFinite,
                    "initialStepSize must be positive and finite; got \(initialStepSize)")
        try require(minimumStepSize >= 0 && minimumStepSize.isFinite,
                    "minimumStepSize must be non-negative and finite; got \(minimumStepSize)")
        try require(maximumStepSize > 0 && !maximumStepSize.isNaN,
                    "maximumStepSize must be positive; got \(maximumStepSize)")
        try require(minimumStepSize <= maximumStepSize,
                    "minimumStepSize must not exceed maximumStepSize; got \(minimumStepSize) > \(maximumStepSize)")
        try require(maximumSteps >= 1, "maximumSteps must be at least 1; got \(maximumSteps)")
        if let errorWeights { try GSLODESolver.checkErrorWeights(errorWeights, dimension: system.dimension) }
        if let absoluteTolerances {
            guard absoluteTolerances.count == system.dimension else {
                throw GSLODEError.dimensionMismatch(quantity: "absoluteTolerances", expected: system.dimension,
                                                    actual: absoluteTolerances.count)
            }
            if let component = absoluteTolerances.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
                throw GSLODEError.invalidArgument(reason: "absoluteTolerances must be finite and non-negative; "
                                                  + "component \(component) is \(absoluteTolerances[component])")
            }
        }
        if let maximumEvaluations {
            try require(maximumEvaluations >= 1, "maximumEvaluations must be at least 1; got \(maximumEvaluations)")
        }
        if stepType.usesJacobian && !system.hasJacobian {
            throw GSLODEError.missingJacobian(stepType: stepType)
        }
        guard let gslType = stepType.gslType else {
            throw GSLODEError.library(operation: "step type \(stepType.rawValue)", error: .failure)
        }

        self.stepType = stepType
        self.dimension = system.dimension
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.errorWeights = errorWeights
        self.initialStepSize = min(max(initialStepSize, minimumStepSize), maximumStepSize)
        self.minimumStepSize = minimumStepSize
        self.maximumStepSize = maximumStepSize
        self.maximumSteps = maximumSteps
        self.outputMode = outputMode ?? .default(for: stepType)
        self.keepsDenseOutput = keepsDenseOutput
        self.absoluteTolerances = absoluteTolerances
        self.errorNorm = errorNorm
        self.maximumEvaluations = maximumEvaluations

        let context = ODECallbackContext(system: system)
        context.evaluationBudget = maximumEvaluations
        let systemPointer = UnsafeMutablePointer<gsl_odeiv2_system>.allocate(capacity: 1)
        systemPointer.initialize(to: gsl_odeiv2_system(
            function: rightHandSideTrampoline,
            jacobian: system.hasJacobian ? jacobianTrampoline : nil,
            dimension: system.dimension,
            params: Unmanaged.passUnretained(context).toOpaque()))
        guard let driver = gsl_odeiv2_driver_alloc_y_new(
            systemPointer, gslType, self.initialStepSize, absoluteTolerance, relativeTolerance)
        else {
            systemPointer.deinitialize(count: 1)
            systemPointer.deallocate()
            throw GSLODEError.library(operation: "gsl_odeiv2_driver_alloc_y_new", error: .outOfMemory)
        }
        var weightedControl: WeightedErrorControl?
        if errorWeights != nil || absoluteTolerances != nil || errorNorm == .rootMeanSquare {
            let control = WeightedErrorControl()
            do {
                try control.install(in: driver,
                                    weights: errorWeights ?? [Double](repeating: 1, count: system.dimension),
                                    absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance,
                                    absoluteTolerances: absoluteTolerances,
                                    rootMeanSquare: errorNorm == .rootMeanSquare)
            } catch {
                gsl_odeiv2_driver_free(driver)
                systemPointer.deinitialize(count: 1)
                systemPointer.deallocate()
                throw error
            }
            weightedControl = control
        }
        self.weightedControl = weightedControl
        context.stepper = UnsafePointer(driver.pointee.s)
        self.context = context
        self.system = systemPointer
        self.driver = driver
        self.state = .allocate(capacity: system.dimension)
        self.state.initialize(repeating: 0)
        self.errorEstimate = .allocate(capacity: system.dimension)
        self.errorEstimate.initialize(repeating: 0)
    }

    deinit {
        gsl_odeiv2_driver_free(driver)
        system.deinitialize(count: 1)
        system.deallocate()
        state.deallocate()
        errorEstimate.deallocate()
    }

    /// Integrates from `t0` towards `t1` and returns `y` at each output time.
    ///
    /// `t1 < t0` integrates backwards in time. The solve ends at the last output
    /// time. With `outputMode == .interpolating` the step-size control alone picks
    /// the steps (the last one is cut to end on the last output time) and the
    /// other output times are read off the cubic Hermite interpolant of their step
    /// at no extra evaluation; with `.steppingOntoOutputTimes` a step ends exactly
    /// on every output time (see `GSLOutputMode` for when each is right).
    ///
    /// - Parameters:
    ///   - t0: the initial time.
    ///   - t1: the end of the interval; fixes the direction of integration.
    ///   - y0: `y(t0)`, `dimension` finite values.
    ///   - outputTimes: a non-empty list inside `[t0, t1]`, ordered in the direction
    ///     of integration (repeats allowed; `t0` itself returns `y0`).
    /// - Returns: the states at `outputTimes`, the statistics of the solve and,
    ///   when `keepsDenseOutput`, the dense output over `[t0, last output time]`.
    /// - Throws: `GSLODEError` for bad arguments (before GSL runs), `tooManySteps`,
    ///   `stepSizeBelowMinimum`, `stepSizeUnderflow`, `nonFiniteDerivative` /
    ///   `nonFiniteJacobian` / `nonFiniteState` (with the time), or the error the
    ///   right-hand side or Jacobian threw, unchanged.
    public func solve(from t0: Double, to t1: Double, initial y0: [Double],
                      at outputTimes: [Double]) throws -> GSLODESolution {
        try solve(from: t0, to: t1, initial: y0, at: outputTimes, observingSteps: nil)
    }

    /// The same solve, calling `observer` after every accepted step; when it
    /// returns a time `tₛ` inside that step the solve stops there (a terminal
    /// event): the solution holds the output times up to `tₛ` only. An error the
    /// observer throws ends the solve and is rethrown unchanged.
    public func solve(from t0: Double, to t1: Double, initial y0: [Double], at outputTimes: [Double],
                      observingSteps observer: ((GSLAcceptedStep) throws -> Double?)?) throws -> GSLODESolution {
        GSL.disableAbortOnError()
        try checkInitialState(y0, at: t0)
        try checkTimes(from: t0, to: t1, outputTimes: outputTimes)
        let direction: Double = t1 >= t0 ? 1 : -1
        try startTrajectory(from: y0, initialStep: direction * initialStepSize)

        var run = Run(t: t0, direction: direction, initialStep: direction * initialStepSize,
                      keepsKnots: keepsDenseOutput, dimension: dimension)
        run.observer = observer
        run.recordKnot(state: state, derivative: nil)
        var states: [[Double]] = []
        states.reserveCapacity(outputTimes.count)
        do {
            switch outputMode {
            case .steppingOntoOutputTimes:
                outputs: for target in outputTimes {
                    while direction * (target - run.t) > 0, run.stopTime == nil { try step(&run, towards: target) }
                    if let stop = run.stopTime, direction * (target - stop) > 0 { break outputs }
                    if run.stopTime != nil, target != run.t {
                        // An output time inside the last step, before the stop: read it off the cubic.
                        states.append(try run.lastStep?.state(at: target) ?? Array(state))
                    } else {
                        states.append(Array(state))
                    }
                }
            case .interpolating:
                try interpolate(&run, outputTimes: outputTimes, into: &states)
            }
        } catch {
            lastStatistics = statistics(acceptedSteps: run.acceptedSteps)
            // GSL leaves the step objects mid-trajectory after a failure.
            gsl_odeiv2_driver_reset(driver)
            throw error
        }
        lastStatistics = statistics(acceptedSteps: run.acceptedSteps)
        return GSLODESolution(times: Array(outputTimes.prefix(states.count)), states: states,
                              statistics: lastStatistics,
                              nextStepSize: Swift.min(Swift.max(abs(run.nextStepSize), minimumStepSize), maximumStepSize)
                                  * direction,
                              denseOutput: keepsDenseOutput ? run.denseOutput(dimension: dimension) : nil)
    }

    /// Steps freely to the last output time; each output time inside a step is
    /// read off the Hermite cubic through `(tₙ, yₙ, fₙ)` and `(tₙ₊₁, yₙ₊₁, fₙ₊₁)`,
    /// where `fₙ`, `fₙ₊₁` are GSL's own `dydt_in` and `dydt_out` of the step.
    private func interpolate(_ run: inout Run, outputTimes: [Double], into states: inout [[Double]]) throws {
        let end = outputTimes[outputTimes.count - 1]
        let n = dimension
        let previous = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        defer { previous.deallocate() }
        var next = 0
        // Output times at t0 return y0 exactly.
        while next < outputTimes.count, outputTimes[next] == run.t {
            states.append(Array(state))
            next += 1
        }
        let evolve = try evolution()
        let startDerivative = UnsafeBufferPointer(start: evolve.pointee.dydt_in, count: n)
        let endDerivative = UnsafeBufferPointer(start: evolve.pointee.dydt_out, count: n)
        while next < outputTimes.count, run.stopTime == nil {
            _ = previous.update(fromContentsOf: state)
            let start = run.t
            try step(&run, towards: end)
            let reached = run.stopTime ?? run.t
            while next < outputTimes.count, run.direction * (outputTimes[next] - reached) <= 0 {
                let target = outputTimes[next]
                if target == run.t {
                    states.append(Array(state))
                } else {
                    var value = [Double](repeating: 0, count: n)
                    value.withUnsafeMutableBufferPointer { output in
                        HermiteCubic.interpolate(at: target, from: start, to: run.t,
                                                 startState: UnsafeBufferPointer(previous), startDerivative: startDerivative,
                                                 endState: UnsafeBufferPointer(state), endDerivative: endDerivative,
                                                 into: output)
                    }
                    states.append(value)
                }
                next += 1
            }
        }
    }

    /// One accepted step of GSL's evolution from `run.t` towards `target`
    /// (never beyond it), with the step-limit, step-size and finiteness checks.
    private func step(_ run: inout Run, towards target: Double) throws {
        guard run.acceptedSteps + rejectedSteps < maximumSteps else {
            throw GSLODEError.tooManySteps(maximumSteps: maximumSteps, time: run.t)
        }
        let timeBefore = run.t
        let startState = run.observer == nil ? [] : Array(state)
        let requested = driver.pointee.h
        let isCut = abs(requested) >= abs(target - run.t)
        let status = gsl_odeiv2_evolve_apply(
            driver.pointee.e, driver.pointee.c, driver.pointee.s, driver.pointee.sys,
            &run.t, target, &driver.pointee.h, state.baseAddress)
        // A callback's error explains the status, so it comes first.
        if let error = context.pendingError {
            if case let GSLODEError.evaluationBudgetExhausted(budget, _) = error {
                throw GSLODEError.evaluationBudgetExhausted(maximumEvaluations: budget, time: timeBefore)
            }
            throw error
        }
        if status == Int32(GSL_FAILURE) {
            throw GSLODEError.stepSizeUnderflow(time: timeBefore, stepSize: driver.pointee.h)
        }
        if status != GSLError.successCode {
            throw GSLODEError.library(operation: "gsl_odeiv2_evolve_apply at t = \(timeBefore)",
                                      error: GSLError(code: status))
        }
        run.acceptedSteps += 1
        if run.keepsKnots {
            let evolve = try evolution()
            run.recordKnot(state: state, derivative: UnsafeBufferPointer(start: evolve.pointee.dydt_out, count: dimension),
                           startDerivative: UnsafeBufferPointer(start: evolve.pointee.dydt_in, count: dimension),
                           order: context.orderAtLastEvaluation)
        }
        if let observer = run.observer {
            let evolve = try evolution()
            let step = GSLAcceptedStep(
                start: timeBefore, end: run.t, startState: startState,
                startDerivative: Array(UnsafeBufferPointer(start: evolve.pointee.dydt_in, count: dimension)),
                endState: Array(state),
                endDerivative: Array(UnsafeBufferPointer(start: evolve.pointee.dydt_out, count: dimension)),
                statistics: statistics(acceptedSteps: run.acceptedSteps))
            run.lastStep = step
            if let stop = try observer(step) {
                guard stop.isFinite, run.direction * (stop - timeBefore) >= 0, run.direction * (run.t - stop) >= 0 else {
                    throw GSLODEError.invalidArgument(
                        reason: "the step observer stopped at t = \(stop), outside its step [\(timeBefore), \(run.t)]")
                }
                run.stopTime = stop
            }
        }
        // A step cut short to land on `target` says little about the step size
        // the solution allows: keep the larger of the request and the new proposal.
        run.nextStepSize = isCut ? run.direction * max(abs(requested), abs(driver.pointee.h)) : driver.pointee.h
        try checkStateIsFinite(at: run.t)
        if abs(driver.pointee.h) > maximumStepSize {
            driver.pointee.h = run.direction * maximumStepSize
        }
        if abs(driver.pointee.h) < minimumStepSize {
            throw GSLODEError.stepSizeBelowMinimum(
                time: run.t, stepSize: abs(driver.pointee.h), minimumStepSize: minimumStepSize)
        }
    }

    /// Attempts GSL rejected so far in this solve (`failed_steps`, reset with the driver).
    private var rejectedSteps: Int {
        Int(driver.pointee.e?.pointee.failed_steps ?? 0)
    }

    /// GSL's evolution object of the driver (its `dydt_in`, `dydt_out` are the
    /// derivatives at the ends of the last accepted step).
    private func evolution() throws -> UnsafeMutablePointer<gsl_odeiv2_evolve> {
        guard let evolve = driver.pointee.e else {
            throw GSLODEError.library(operation: "gsl_odeiv2_driver without an evolution object", error: .failure)
        }
        return evolve
    }

    /// The progress of one adaptive solve, and the knots of its dense output.
    private struct Run {
        var t: Double
        let direction: Double
        var acceptedSteps = 0
        /// The control's proposal, ignoring the cuts that land steps on output times.
        var nextStepSize: Double
        let keepsKnots: Bool
        /// Called after every accepted step; a returned time stops the solve there.
        var observer: ((GSLAcceptedStep) throws -> Double?)?
        /// The time where the observer stopped the solve.
        var stopTime: Double?
        /// The last accepted step, when an observer watches.
        var lastStep: GSLAcceptedStep?
        var knotTimes: [Double] = []
        var knotStates: [Double] = []
        var knotDerivatives: [Double] = []
        /// The stepper's order on each accepted step (`GSLDenseOutput.stepOrders`).
        var stepOrders: [Int] = []

        init(t: Double, direction: Double, initialStep: Double, keepsKnots: Bool, dimension: Int) {
            self.t = t
            self.direction = direction
            self.nextStepSize = initialStep
            self.keepsKnots = keepsKnots
        }

        /// Appends `(t, y, f)`; the first knot's derivative is filled in from the
        /// first step's `dydt_in` (`startDerivative`); `order` is the order of the step ending there.
        mutating func recordKnot(state: UnsafeMutableBufferPointer<Double>, derivative: UnsafeBufferPointer<Double>?,
                                 startDerivative: UnsafeBufferPointer<Double>? = nil, order: Int? = nil) {
            guard keepsKnots else { return }
            if let order { stepOrders.append(order) }
            if knotTimes.count == 1, knotDerivatives.isEmpty, let startDerivative {
                knotDerivatives.append(contentsOf: startDerivative)
            }
            knotTimes.append(t)
            knotStates.append(contentsOf: state)
            if let derivative { knotDerivatives.append(contentsOf: derivative) }
        }

        func denseOutput(dimension: Int) -> GSLDenseOutput? {
            guard keepsKnots else { return nil }
            // A solve that took no step (every output time is t0) has one knot, read
            // back as it is: its derivative is never used, so none is evaluated.
            if knotTimes.count == 1 {
                return GSLDenseOutput(times: knotTimes, states: knotStates,
                                      derivatives: [Double](repeating: 0, count: dimension), dimension: dimension,
                                      stepOrders: [])
            }
            return GSLDenseOutput(times: knotTimes, states: knotStates, derivatives: knotDerivatives,
                                  dimension: dimension, stepOrders: stepOrders)
        }
    }

    /// Integrates from `t0` to `t1` and returns `y(t1)` only.
    ///
    /// Same as `solve(from:to:initial:at:)` with `outputTimes = [t1]`.
    public func solve(from t0: Double, to t1: Double, initial y0: [Double]) throws -> GSLODESolution {
        try solve(from: t0, to: t1, initial: y0, at: [t1])
    }

    // MARK: - Shared with the fixed-step and single-step entry points

    /// Copies `y0` into the state buffer, resets the driver and sets the signed first step.
    func startTrajectory(from y0: [Double], initialStep: Double) throws {
        context.resetForSolve()
        _ = state.update(fromContentsOf: y0)
        let status = gsl_odeiv2_driver_reset(driver)
        if status != GSLError.successCode {
            throw GSLODEError.library(operation: "gsl_odeiv2_driver_reset", error: GSLError(code: status))
        }
        driver.pointee.h = initialStep
    }

    /// One call of GSL's stepper on the state buffer, from `t` by `h`, with no
    /// step-size control; the error estimate goes to `errorEstimate`.
    func applyStep(at t: Double, by h: Double) throws {
        let status = gsl_odeiv2_step_apply(driver.pointee.s, t, h, state.baseAddress,
                                           errorEstimate.baseAddress, nil, nil, system)
        if let error = context.pendingError { throw error }
        if status != GSLError.successCode {
            throw GSLODEError.library(operation: "gsl_odeiv2_step_apply at t = \(t) with h = \(h)",
                                      error: GSLError(code: status))
        }
        try checkStateIsFinite(at: t + h)
    }

    /// Resets GSL's step objects after a failed fixed or single step.
    func resetAfterFailure() {
        gsl_odeiv2_driver_reset(driver)
    }

    func statistics(acceptedSteps: Int) -> GSLODEStatistics {
        GSLODEStatistics(
            rightHandSideEvaluations: context.rightHandSideEvaluations,
            jacobianEvaluations: context.jacobianEvaluations,
            acceptedSteps: acceptedSteps,
            rejectedSteps: Int(driver.pointee.e.pointee.failed_steps))
    }

    private static func checkErrorWeights(_ weights: [Double], dimension: Int) throws {
        guard weights.count == dimension else {
            throw GSLODEError.dimensionMismatch(quantity: "errorWeights", expected: dimension, actual: weights.count)
        }
        if let component = weights.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
            throw GSLODEError.invalidArgument(
                reason: "errorWeights must be finite and non-negative; component \(component) is \(weights[component])")
        }
        guard weights.contains(where: { $0 > 0 }) else {
            throw GSLODEError.invalidArgument(
                reason: "errorWeights must have at least one positive weight (all zero leaves no error test); "
                    + "for steps without error control use solve(from:to:initial:stepCount:)")
        }
    }

    func checkInitialState(_ y0: [Double], at t0: Double) throws {
        guard y0.count == dimension else {
            throw GSLODEError.dimensionMismatch(quantity: "initial state y0", expected: dimension, actual: y0.count)
        }
        guard t0.isFinite else {
            throw GSLODEError.invalidArgument(reason: "initial time t0 must be finite; got \(t0)")
        }
        if let component = y0.firstIndex(where: { !$0.isFinite }) {
            throw GSLODEError.invalidArgument(
                reason: "initial state y0 must be finite; component \(component) is \(y0[component])")
        }
    }

    private func checkTimes(from t0: Double, to t1: Double, outputTimes: [Double]) throws {
        guard t1.isFinite else {
            throw GSLODEError.invalidArgument(reason: "final time t1 must be finite; got \(t1)")
        }
        guard !outputTimes.isEmpty else {
            throw GSLODEError.invalidArgument(reason: "outputTimes must not be empty; pass [t1] for the final state only")
        }
        let direction: Double = t1 >= t0 ? 1 : -1
        var previous = t0
        for (index, time) in outputTimes.enumerated() {
            guard time.isFinite, direction * (time - t0) >= 0, direction * (t1 - time) >= 0 else {
                throw GSLODEError.outputTimesInvalid(
                    index: index, time: time, reason: "must be finite and inside [\(min(t0, t1)), \(max(t0, t1))]")
            }
            guard direction * (time - previous) >= 0 else {
                throw GSLODEError.outputTimesInvalid(
                    index: index, time: time,
                    reason: "comes before the previous output time \(previous) "
                        + "in the direction of integration (\(direction > 0 ? "increasing" : "decreasing") t)")
            }
            previous = time
        }
    }

    private func checkStateIsFinite(at t: Double) throws {
        for component in 0..<dimension where !state[component].isFinite {
            throw GSLODEError.nonFiniteState(time: t, component: component)
        }
    }
}
