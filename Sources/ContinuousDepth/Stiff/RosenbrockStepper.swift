// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge

/// One step of a Rosenbrock method (`RosenbrockTableau`) on a batch of
/// independent samples: with the exact block Jacobian `J = ∂f/∂y(tₙ, yₙ)` and
/// one batched LU of `I − hγJ_b`, every stage is one block solve,
///
///     uᵢ = (I − hγJ)⁻¹ · hγ [ f(tₙ + cᵢh, yₙ + Σ_{j<i} aᵢⱼuⱼ) + Σ_{j<i} (Cᵢⱼ/h) uⱼ + dᵢ h ∂f/∂t ].
///
/// `J`, `f(tₙ, yₙ)` and `∂f/∂t` are computed once per point and kept across
/// rejected attempts (only the LU changes with `h`). `∂f/∂t` is exact for a
/// `TimeDifferentiableField` and a central difference in `t` for any other field
/// (`BatchedStiffSystem.timeDerivative`), so non-autonomous fields keep order 4.
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.7, eq. (7.3′), and `rodas.f`.
final class RosenbrockStepper<Field: VectorField> {
    let tableau: RosenbrockTableau
    let system: BatchedStiffSystem<Field>

    private var point: (time: Double, jacobian: BlockDiagonalJacobian, derivative: [Double], timeDerivative: [Double])?
    /// `f(t, y)` at a point reached by an accepted step, computed early for the dense output.
    private var pendingSlope: (time: Double, value: [Double])?
    private var factorization: BatchedLUFactorization?
    private var factorizationScale = 0.0

    init(tableau: RosenbrockTableau, system: BatchedStiffSystem<Field>) {
        self.tableau = tableau
        self.system = system
    }

    /// Tries the step from `(t, y)` with step `h`; the payload is the LU of `I − hγJ` at `(tₙ, yₙ)`, which
    /// the recorded step (`Rodas4Solver`'s backprop) reuses (`nil` when the attempt failed).
    func attempt(from y: [Double], at t: Double, by h: Double) throws -> ImplicitStepAttempt<BatchedLUFactorization?> {
        if point == nil || point?.time != t {
            let derivative = try slope(at: y, time: t)
            point = (t, try system.jacobian(y, at: t), derivative, try system.timeDerivative(y, at: t))
            factorization = nil
        }
        guard let point else { throw ContinuousDepthError.invalidArgument("Rosenbrock step without a Jacobian") }
        let s = h * tableau.gamma
        if factorization == nil || factorizationScale != s {
            factorization = system.factor(point.jacobian, scale: s)
            factorizationScale = s
        }
        guard let lu = factorization else {
            return ImplicitStepAttempt(state: y, startSlope: point.derivative, errorNorm: .nan, newtonFailed: true, payload: nil)
        }
        let n = system.count
        var u: [[Double]] = []
        for i in 0..<tableau.stageCount {
            var rhs: [Double]
            if i == 0 {
                rhs = point.derivative
            } else {
                var argument = y
                for j in 0..<i where tableau.a[i][j] != 0 {
                    let a = tableau.a[i][j], uj = u[j]
                    for m in 0..<n { argument[m] += a * uj[m] }
                }
                rhs = try system.evaluate(argument, at: t + tableau.c[i] * h)
                for j in 0..<i where tableau.stageCoupling[i][j] != 0 {
                    let c = tableau.stageCoupling[i][j] / h, uj = u[j]
                    for m in 0..<n { rhs[m] += c * uj[m] }
                }
            }
            if tableau.d[i] != 0 {
                let ft = point.timeDerivative, c = tableau.d[i] * h
                for m in 0..<n { rhs[m] += c * ft[m] }
            }
            for m in 0..<n { rhs[m] *= s }
            guard rhs.allSatisfy(\.isFinite) else {
                return ImplicitStepAttempt(state: y, startSlope: point.derivative, errorNorm: .nan, newtonFailed: false, payload: nil)
            }
            try lu.solve(&rhs)
            u.append(rhs)
        }
        var state = y
        var error = [Double](repeating: 0, count: n)
        for i in 0..<tableau.stageCount {
            let weight = tableau.m[i], errorWeight = tableau.m[i] - tableau.embeddedM[i]
            for m in 0..<n {
                state[m] += weight * u[i][m]
                error[m] += errorWeight * u[i][m]
            }
        }
        return ImplicitStepAttempt(state: state, startSlope: point.derivative,
                                   errorNorm: try system.errorNorm(error, from: y, to: state), newtonFailed: false,
                                   payload: lu)
    }

    /// `f(t, y)`, kept for the step from `(t, y)`.
    func slope(at y: [Double], time t: Double) throws -> [Double] {
        if let pendingSlope, pendingSlope.time == t { return pendingSlope.value }
        let value = try system.evaluate(y, at: t)
        pendingSlope = (t, value)
        return value
    }
}
