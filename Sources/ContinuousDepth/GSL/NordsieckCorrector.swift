// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// The corrector of a Nordsieck step (`NordsieckHistory`), one implicit stage
///
///     y = e + s·f(t, y),   e = z₀^(0) − z₁^(0)/l₁,   s = h/l₁,
///
/// solved by Newton's method to round-off and put on the tape by the
/// implicit-function rule (`ImplicitStageOperation`), so the gradient is that of
/// the exact solution of the corrector equation, not of the iterations.
///
/// Newton's iteration `(I − s·J)·δ = y − e − s·f(t, y)`, `y ← y − δ`, takes the
/// block-diagonal `J = ∂f/∂y` (`BlockDiagonalJacobian`) at the predictor and
/// refreshes it at the iterate when an iteration contracts by less than 1/2. It
/// stops when `‖δ‖∞ ≤ 4ε·‖y‖∞` (ε the unit round-off), or when the increments stop
/// shrinking below `10⁻¹²·‖y‖∞` (the round-off floor of `f`); it fails with a typed
/// error after 50 iterations or on a non-finite iterate.
///
/// GSL's own iterations (functional iteration in `msadams`, modified Newton in
/// `msbdf`) stop at a fraction of the error tolerance instead, so GSL's state
/// differs from this solution by its iteration error.
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.8 (Newton for implicit
/// stages); Byrne & Hindmarsh, ACM TOMS 1 (1975) 71–96, §3 (the corrector).
enum NordsieckCorrector {
    static let maximumIterations = 50

    /// `y` on the tape as a function of `e` and `θ`; `predictor` starts Newton's iteration.
    /// `evaluations` counts every evaluation of `f` (Newton's included).
    static func solve<Field: VectorField>(explicitPart e: Variable, scale s: Double, time t: Double,
                                          predictor: Tensor, field: Field, parameters theta: [Variable],
                                          evaluations: inout Int) throws -> Variable {
        let shape = e.shape
        let thetaValues = theta.map(\.value)
        let constants = thetaValues.map { Variable($0) }
        let a = e.value.scalars
        var y = predictor.scalars
        let roundOff = 4 * Double.ulpOfOne / 2
        var jacobian = try BlockDiagonalJacobian(of: field, at: predictor, time: t, parameters: thetaValues)
        var factors = try jacobian.factorIterationMatrix(scale: s)
        var jacobianIsFresh = true
        var previousNorm = Double.infinity
        for _ in 0..<maximumIterations {
            let slope = try field(Variable(try Tensor(shape: shape, scalars: y)), time: t, parameters: constants).value.scalars
            evaluations += 1
            var delta = [Double](repeating: 0, count: y.count)
            for i in y.indices { delta[i] = y[i] - a[i] - s * slope[i] }
            try factors.solve(&delta)
            var norm = 0.0, size = 0.0
            for i in y.indices {
                y[i] -= delta[i]
                norm = max(norm, abs(delta[i]))
                size = max(size, abs(y[i]))
            }
            guard norm.isFinite, size.isFinite else {
                throw ContinuousDepthError.nonFinite(time: t, statistics: SolverStatistics())
            }
            if norm <= roundOff * size || (norm >= 0.5 * previousNorm && norm <= 1e-12 * size) {
                return try ImplicitStageOperation.record(solution: y, explicitPart: e, scale: s, time: t,
                                                         field: field, parameters: theta)
            }
            if norm > 0.5 * previousNorm, !jacobianIsFresh {
                jacobian = try BlockDiagonalJacobian(of: field, at: try Tensor(shape: shape, scalars: y), time: t,
                                                     parameters: thetaValues)
                factors = try jacobian.factorIterationMatrix(scale: s)
                jacobianIsFresh = true
            } else {
                jacobianIsFresh = false
            }
            previousNorm = norm
        }
        throw ContinuousDepthError.invalidArgument(
            "the replayed multistep corrector at t = \(t) did not converge in \(maximumIterations) Newton iterations")
    }
}
