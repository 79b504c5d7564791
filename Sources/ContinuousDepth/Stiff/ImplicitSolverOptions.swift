// SPDX-License-Identifier: GPL-3.0-or-later

/// The options shared by the batched implicit solvers (`Kvaerno5Solver`,
/// `Rodas4Solver`), checked once.
public struct ImplicitSolverOptions: Sendable, Equatable {
    /// `rtol`, `atol` of the weighted RMS error norm (also the scale of Newton's convergence test).
    public let tolerance: ErrorTolerance
    /// `|h₀|`; `nil` chooses it by `InitialStepSize.hairer`.
    public let initialStepSize: Double?
    /// `hmin ≥ 0`.
    public let minimumStepSize: Double
    /// `hmax > 0` (may be `.infinity`).
    public let maximumStepSize: Double
    /// The most attempted steps (accepted + rejected, Newton failures included).
    public let maximumSteps: Int
    /// The most simplified-Newton iterations per stage before the stage counts as not converged.
    public let maximumNewtonIterations: Int

    /// - Throws: `ContinuousDepthError.invalidArgument` naming the bad option.
    public init(relativeTolerance: Double, absoluteTolerance: Double, initialStepSize: Double? = nil,
                minimumStepSize: Double = 0, maximumStepSize: Double = .infinity, maximumSteps: Int = 100_000,
                maximumNewtonIterations: Int = 10) throws {
        tolerance = try ErrorTolerance(relative: relativeTolerance, absolute: absoluteTolerance)
        if let h0 = initialStepSize, !(h0 > 0 && h0.isFinite) {
            throw ContinuousDepthError.invalidArgument("initialStepSize must be positive and finite; got \(h0)")
        }
        guard minimumStepSize >= 0, minimumStepSize.isFinite else {
            throw ContinuousDepthError.invalidArgument("minimumStepSize must be non-negative and finite; got \(minimumStepSize)")
        }
        guard maximumStepSize > 0, minimumStepSize <= maximumStepSize else {
            throw ContinuousDepthError.invalidArgument(
                "maximumStepSize must be positive and at least minimumStepSize; got \(maximumStepSize) (minimum \(minimumStepSize))")
        }
        guard maximumSteps >= 1 else {
            throw ContinuousDepthError.invalidArgument("maximumSteps must be at least 1; got \(maximumSteps)")
        }
        guard maximumNewtonIterations >= 1 else {
            throw ContinuousDepthError.invalidArgument("maximumNewtonIterations must be at least 1; got \(maximumNewtonIterations)")
        }
        self.initialStepSize = initialStepSize
        self.minimumStepSize = minimumStepSize
        self.maximumStepSize = maximumStepSize
        self.maximumSteps = maximumSteps
        self.maximumNewtonIterations = maximumNewtonIterations
    }
}
