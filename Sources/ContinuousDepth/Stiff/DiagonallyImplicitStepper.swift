// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
#if canImport(Glibc)
import Glibc
#endif

/// One step of an ESDIRK method (`DiagonallyImplicitTableau`) on a batch of
/// independent samples, each implicit stage solved by simplified Newton per sample:
///
///     zᵢ = aᵢ + hγ f(zᵢ),   aᵢ = yₙ + h Σ_{j<i} aᵢⱼ kⱼ,
///     (I − hγJ_b) Δ_b = aᵢ_b + hγ f(zᵢ)_b − zᵢ_b,   zᵢ_b ← zᵢ_b + Δ_b,
///     kᵢ = (zᵢ − aᵢ)/(hγ)   (exact at the solution; avoids amplifying Newton's error by f).
///
/// `J_b` is the sample's Jacobian block at some earlier `(t, y)`: the LU of
/// `I − hγJ` is reused across stages and across steps while the iteration
/// converges, and recomputed when the step size changes. Convergence is
/// tested per sample (the stopping rule of Hairer & Wanner II, §IV.8): with
/// rate `Θ = ‖Δ_m‖/‖Δ_{m−1}‖` and `η = Θ/(1−Θ)`, sample `b` has converged
/// when `η‖Δ‖ ≤ κ`, `κ = max(10u/rtol, min(0.03, √rtol))`, in the weighted norm
/// of the error test; a converged sample is no longer updated. When some
/// sample diverges (`Θ ≥ 1`) or exceeds the iteration limit, the stage fails:
/// with an old Jacobian it is recomputed at `(tₙ, yₙ)` and the step retried;
/// with a current one the step is rejected and the batch's step shrinks.
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.8 (simplified Newton
/// iterations, reuse of the Jacobian and of the LU) and `radau5.f`'s strategy.
final class DiagonallyImplicitStepper<System: BatchedImplicitSystem> {
    let tableau: DiagonallyImplicitTableau
    let system: System
    let maximumIterations: Int
    /// `κ`, the Newton tolerance relative to the error test's scale.
    let newtonTolerance: Double

    private var jacobian: BlockDiagonalJacobian?
    private var jacobianIsCurrent = false
    private var refreshJacobianNextStep = true
    private var factorization: BatchedLUFactorization?
    private var factorizationScale = 0.0
    /// `f(tₙ, yₙ)`, kept across rejected attempts from the same point.
    private var firstStage: (time: Double, value: [Double])?
    /// `η_b` of each sample, carried from stage to stage.
    private var eta: [Double]
    /// The largest contraction rate seen in the current attempt.
    private var slowestRate = 0.0

    init(tableau: DiagonallyImplicitTableau, system: System, maximumIterations: Int) {
        self.tableau = tableau
        self.system = system
        self.maximumIterations = maximumIterations
        let rtol = system.tolerance.relative
        newtonTolerance = Swift.max(10 * Double.ulpOfOne / rtol, Swift.min(0.03, rtol.squareRoot()))
        eta = [Double](repeating: 1, count: system.batch)
    }

    /// The stage values `z₀ … z_{s−1}` of an attempted step.
    typealias Stages = [[Double]]

    /// Tries the step from `(t, y)` with step `h`.
    func attempt(from y: [Double], at t: Double, by h: Double) throws -> ImplicitStepAttempt<Stages> {
        let k0: [Double]
        if let firstStage, firstStage.time == t {
            k0 = firstStage.value
        } else {
            k0 = try system.evaluate(y, at: t)
            firstStage = (t, k0)
            jacobianIsCurrent = false
        }
        if jacobian == nil || (refreshJacobianNextStep && !jacobianIsCurrent) {
            try refreshJacobian(at: y, time: t)
        }
        while true {
            if let stages = try stages(from: y, at: t, by: h, firstStage: k0) {
                let (state, errorNorm) = try finish(stages: stages.z, slopes: stages.k, from: y, by: h)
                return ImplicitStepAttempt(state: state, startSlope: k0, errorNorm: errorNorm, newtonFailed: false,
                                           payload: stages.z)
            }
            system.statistics.newtonFailures += 1
            guard !jacobianIsCurrent else {
                return ImplicitStepAttempt(state: y, startSlope: k0, errorNorm: .nan, newtonFailed: true, payload: [])
            }
            try refreshJacobian(at: y, time: t)
        }
    }

    /// Tells the stepper that its last attempt was accepted (the Jacobian is now one step old).
    func stepAccepted() {
        jacobianIsCurrent = false
        // A slowly contracting iteration asks for a fresh Jacobian at the next point.
        refreshJacobianNextStep = slowestRate > 0.25
    }

    /// `f(t, y)` at a new point, kept as the first stage of the step from there.
    func slope(at y: [Double], time t: Double) throws -> [Double] {
        if let firstStage, firstStage.time == t { return firstStage.value }
        let value = try system.evaluate(y, at: t)
        firstStage = (t, value)
        return value
    }

    private func refreshJacobian(at y: [Double], time t: Double) throws {
        jacobian = try system.jacobian(y, at: t)
        jacobianIsCurrent = true
        factorization = nil
    }

    /// All stages, or `nil` when a sample's iteration failed.
    private func stages(from y: [Double], at t: Double, by h: Double, firstStage k0: [Double]) throws
        -> (z: Stages, k: [[Double]])? {
        let s = h * tableau.gamma
        if factorization == nil || factorizationScale != s {
            guard let jacobian, let lu = system.factor(jacobian, scale: s) else { return nil }
            factorization = lu
            factorizationScale = s
        }
        guard let lu = factorization else { return nil }
        let n = system.count, d = system.dimension, batch = system.batch
        var z: Stages = [y]
        var k: [[Double]] = [k0]
        slowestRate = 0
        for i in 1..<tableau.stageCount {
            var explicitPart = y
            for j in 0..<i where tableau.a[i][j] != 0 {
                let coefficient = h * tableau.a[i][j]
                let kj = k[j]
                for m in 0..<n { explicitPart[m] += coefficient * kj[m] }
            }
            var zi = explicitPart
            let previous = k[i - 1]
            for m in 0..<n { zi[m] += s * previous[m] }
            var converged = [Bool](repeating: false, count: batch)
            var remaining = batch
            var previousNorms = [Double](repeating: 0, count: batch)
            let ti = t + tableau.c[i] * h
            var iteration = 0
            while remaining > 0 {
                guard iteration < maximumIterations else { return nil }
                system.statistics.newtonIterations += 1
                let fz = try system.evaluate(zi, at: ti)
                var delta = [Double](repeating: 0, count: n)
                for m in 0..<n { delta[m] = explicitPart[m] + s * fz[m] - zi[m] }
                guard delta.allSatisfy(\.isFinite) else { return nil }
                try lu.solve(&delta)
                let norms = system.sampleNorms(delta, scaledBy: y)
                for b in 0..<batch where !converged[b] {
                    let norm = norms[b]
                    guard norm.isFinite else { return nil }
                    if iteration > 0 {
                        let rate = previousNorms[b] > 0 ? norm / previousNorms[b] : 0
                        guard rate < 1 else { return nil }
                        slowestRate = Swift.max(slowestRate, rate)
                        eta[b] = rate / (1 - rate)
                    }
                    for m in (b * d)..<((b + 1) * d) { zi[m] += delta[m] }
                    previousNorms[b] = norm
                    if eta[b] * norm <= newtonTolerance || norm == 0 {
                        converged[b] = true
                        remaining -= 1
                    }
                }
                iteration += 1
            }
            // Hairer's start value of η for the next stage: the last rate, pulled towards convergence.
            for b in 0..<batch { eta[b] = pow(Swift.max(eta[b], Double.ulpOfOne), 0.8) }
            var ki = [Double](repeating: 0, count: n)
            for m in 0..<n { ki[m] = (zi[m] - explicitPart[m]) / s }
            z.append(zi)
            k.append(ki)
        }
        return (z, k)
    }

    /// `yₙ₊₁` and the norm of `h Σ (bᵢ − b̂ᵢ) kᵢ`.
    private func finish(stages z: Stages, slopes k: [[Double]], from y: [Double], by h: Double) throws
        -> ([Double], Double) {
        let n = system.count
        var state: [Double]
        if tableau.isStifflyAccurate {
            state = z[z.count - 1]
        } else {
            state = y
            for i in 0..<tableau.stageCount where tableau.b[i] != 0 {
                for m in 0..<n { state[m] += h * tableau.b[i] * k[i][m] }
            }
        }
        var error = [Double](repeating: 0, count: n)
        for i in 0..<tableau.stageCount {
            let weight = h * (tableau.b[i] - tableau.embeddedB[i])
            guard weight != 0 else { continue }
            for m in 0..<n { error[m] += weight * k[i][m] }
        }
        return (state, try system.errorNorm(error, from: y, to: state))
    }
}
