// SPDX-License-Identifier: GPL-3.0-or-later

/// The options of an adaptive solve, checked once when the value is made, with
/// the same meaning for every solver (own Runge–Kutta, GSL, implicit):
///
/// - `tolerance`: `rtol`, `atol` (one value or one per component) and the norm
///   a step's error estimate must keep `≤ 1` (see `ErrorTolerance`).
/// - `initialStepSize`: `|h₀|`, or `nil` for Hairer's automatic choice
///   (`InitialStepSize.hairer`, one extra evaluation of `f`).
/// - `minimumStepSize`, `maximumStepSize`: `0 ≤ hmin ≤ hmax`; a step the
///   controller wants below `hmin` fails the solve with `stepSizeTooSmall`. The
///   last step onto `t1` (or an output time, for solvers that step onto them) may be shorter.
/// - `maximumSteps`: the most **attempted** steps, accepted plus rejected. One
///   more attempt fails the solve with `tooManySteps`. (GSL's driver counts
///   accepted steps only; here both are counted, everywhere, so a solve that
///   keeps rejecting is bounded too.)
/// - `maximumEvaluations`: the budget of evaluations of `f` for the whole solve
///   (the first `f(t0, x0)` and a starting-step probe included), or `nil` for
///   none. An explicit Runge–Kutta solver knows what an attempt costs and stops
///   before the attempt that would exceed it; a solver that does not (implicit
///   Newton iterations) stops after the attempt that crossed it. Either way the
///   error is `evaluationBudgetExhausted` with the statistics so far.
///
/// Errors name the option: `ContinuousDepthError.invalidOption(name:reason:)`.
public struct SolverOptions: Sendable, Equatable {
    /// `rtol`, `atol`, norm.
    public let tolerance: ErrorTolerance
    /// `|h₀| > 0`, finite; `nil`: automatic.
    public let initialStepSize: Double?
    /// `hmin ≥ 0`, finite.
    public let minimumStepSize: Double
    /// `hmax > 0` (may be `.infinity`), at least `hmin`.
    public let maximumStepSize: Double
    /// The most attempted steps (accepted + rejected), at least 1.
    public let maximumSteps: Int
    /// The most evaluations of `f`, at least 1; `nil`: no budget.
    public let maximumEvaluations: Int?

    /// Checked options with one absolute tolerance.
    ///
    /// - Parameters:
    ///   - relativeTolerance: `rtol > 0`, finite.
    ///   - absoluteTolerance: `atol ≥ 0`, finite.
    ///   - norm: `.rootMeanSquare` (default) or `.maximum`.
    ///   - initialStepSize: `|h₀| > 0`, finite, or `nil` (automatic).
    ///   - minimumStepSize: `hmin ≥ 0`, finite, at most `maximumStepSize`.
    ///   - maximumStepSize: `hmax > 0`.
    ///   - maximumSteps: at least 1 (attempted steps).
    ///   - maximumEvaluations: at least 1, or `nil`.
    /// - Throws: `ContinuousDepthError.invalidOption` naming the first bad option.
    public init(relativeTolerance: Double, absoluteTolerance: Double, norm: ErrorTolerance.Norm = .rootMeanSquare,
                initialStepSize: Double? = nil, minimumStepSize: Double = 0, maximumStepSize: Double = .infinity,
                maximumSteps: Int = 100_000, maximumEvaluations: Int? = nil) throws {
        try self.init(tolerance: ErrorTolerance(relative: relativeTolerance, absolute: absoluteTolerance, norm: norm),
                      initialStepSize: initialStepSize, minimumStepSize: minimumStepSize,
                      maximumStepSize: maximumStepSize, maximumSteps: maximumSteps,
                      maximumEvaluations: maximumEvaluations)
    }

    /// Checked options around a checked `ErrorTolerance` (for example one `atol` per component).
    /// - Throws: `ContinuousDepthError.invalidOption` naming the first bad option.
    public init(tolerance: ErrorTolerance, initialStepSize: Double? = nil, minimumStepSize: Double = 0,
                maximumStepSize: Double = .infinity, maximumSteps: Int = 100_000,
                maximumEvaluations: Int? = nil) throws {
        func bad(_ name: String, _ reason: String) -> ContinuousDepthError { .invalidOption(name: name, reason: reason) }
        if let h0 = initialStepSize, !(h0 > 0 && h0.isFinite) {
            throw bad("initialStepSize", "must be positive and finite; got \(h0)")
        }
        guard minimumStepSize >= 0, minimumStepSize.isFinite else {
            throw bad("minimumStepSize", "must be non-negative and finite; got \(minimumStepSize)")
        }
        guard maximumStepSize > 0 else { throw bad("maximumStepSize", "must be positive; got \(maximumStepSize)") }
        guard minimumStepSize <= maximumStepSize else {
            throw bad("minimumStepSize", "must not exceed maximumStepSize; got \(minimumStepSize) > \(maximumStepSize)")
        }
        guard maximumSteps >= 1 else { throw bad("maximumSteps", "must be at least 1; got \(maximumSteps)") }
        if let budget = maximumEvaluations, budget < 1 {
            throw bad("maximumEvaluations", "must be at least 1; got \(budget)")
        }
        self.tolerance = tolerance
        self.initialStepSize = initialStepSize
        self.minimumStepSize = minimumStepSize
        self.maximumStepSize = maximumStepSize
        self.maximumSteps = maximumSteps
        self.maximumEvaluations = maximumEvaluations
    }

    /// `rtol`.
    public var relativeTolerance: Double { tolerance.relative }

    /// `h` clamped into `[hmin, hmax]` (magnitudes; the caller applies the direction).
    public func clampedStepSize(_ h: Double) -> Double {
        Swift.min(Swift.max(h, minimumStepSize), maximumStepSize)
    }
}
