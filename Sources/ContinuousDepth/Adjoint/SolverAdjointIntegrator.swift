// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The adjoint's backward segments integrated by any `ODESolver` (own explicit
/// Runge–Kutta schemes included) on the `AugmentedAdjointField`, with the error
/// test on the components `errorNorm` names.
///
/// The seminorm with a solver whose tolerance has no weights: `a_θ`'s components
/// get `atol = 10³⁰⁰` (their scaled error is 0 to double precision), and, for the
/// RMS norm, the tested `m = 2n` of the `N = 2n + P` components get their
/// tolerances (`atol` and `rtol`) scaled by `√(m/N)`, so that
///
///     √( (1/N) Σ_{tested} (eᵢ / (√(m/N)·sᵢ))² ) = √( (1/m) Σ_{tested} (eᵢ/sᵢ)² ),
///
/// exactly the RMS over `x` and `a` alone (the seminorm of Kidger, Chen & Lyons,
/// ICML 2021). For the maximum norm no scaling is needed.
final class SolverAdjointIntegrator {
    let field: AugmentedAdjointField
    private let solver: any ODESolver

    /// - Parameters:
    ///   - options: the forward solve's options (tolerances, step bounds, budget).
    ///   - initialStepSize: the first trial step of every segment (`nil`: automatic).
    ///   - makeSolver: builds the backward solver from the adjusted options.
    /// - Throws: `ContinuousDepthError.invalidOption` for a per-component `atol`
    ///   that does not fit `[batch, d]`; what `makeSolver` throws.
    init(field: some VectorField, batchSize: Int, options: SolverOptions, initialStepSize: Double?,
         errorNorm: AdjointErrorNorm, makeSolver: (SolverOptions) throws -> any ODESolver) throws {
        let augmented = try AugmentedAdjointField(field: field, batchSize: batchSize)
        self.field = augmented
        let n = augmented.dynamics.stateCount
        let total = augmented.dynamics.dimension
        let perState = try GSLBatchIntegrator.expand(options.tolerance.absolute, batchSize: batchSize,
                                                     width: field.dimension)
        let parameterTolerance = options.tolerance.absolute.min() ?? 0
        var scale = 1.0
        var absolute: [Double]
        switch errorNorm {
        case .fullState:
            absolute = perState + perState + [Double](repeating: parameterTolerance, count: total - 2 * n)
        case .seminorm:
            if options.tolerance.norm == .rootMeanSquare { scale = (Double(2 * n) / Double(total)).squareRoot() }
            absolute = (perState + perState).map { $0 * scale }
                + [Double](repeating: 1e300, count: total - 2 * n)
        }
        let tolerance = try ErrorTolerance(relative: options.tolerance.relative * scale,
                                           absolutePerComponent: absolute, norm: options.tolerance.norm)
        let backwardOptions = try SolverOptions(tolerance: tolerance, initialStepSize: initialStepSize ?? options.initialStepSize,
                                                minimumStepSize: options.minimumStepSize,
                                                maximumStepSize: options.maximumStepSize,
                                                maximumSteps: options.maximumSteps,
                                                maximumEvaluations: options.maximumEvaluations)
        solver = try makeSolver(backwardOptions)
    }

    /// Integrates `s` from `start` to `end` (usually backwards) and replaces it by the result.
    /// - Returns: the segment's statistics.
    func integrate(_ s: inout [Double], from start: Double, to end: Double) throws -> SolverStatistics {
        let trajectory = try solver.solve(field, initialState: try Tensor(shape: [1, s.count], scalars: s),
                                          from: start, to: end)
        guard let final = trajectory.finalState else {
            throw ContinuousDepthError.invalidArgument("the backward solve from t = \(start) to \(end) returned no state")
        }
        s = final.scalars
        return trajectory.statistics
    }
}
