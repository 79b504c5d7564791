// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// One step of GSL's `bsimp` as a map of variables, `yₙ₊₁ = Φ(tₙ, yₙ, h; θ)`:
/// seven sweeps of Bader and Deuflhard's linearly implicit midpoint rule, then
/// their extrapolation (`BaderDeuflhardExtrapolation`).
///
/// With `J = ∂f/∂y` and `f_t = ∂f/∂t` taken once at `(tₙ, yₙ)`, a sweep of `n`
/// substeps `s = h/n` solves with the one matrix `A = I − s·J`:
///
///     Δ₀   = A⁻¹ · s·(f(tₙ, yₙ) + s·f_t),              y₁ = yₙ + Δ₀
///     Δₘ   = Δₘ₋₁ + 2·A⁻¹ · (s·f(tₘ, yₘ) − Δₘ₋₁),       yₘ₊₁ = yₘ + Δₘ     (m = 1 … n−1)
///     T    = yₙ' + A⁻¹ · (s·f(tₙ', yₙ') − Δₙ₋₁)           (yₙ' = the sweep's last yₘ, tₘ = tₙ + m·s)
///
/// and the step returns `Σₖ wₖ Tₖ`. With `J` exact this is the semi-implicit
/// midpoint rule whose error expands in even powers of `s`, so that the
/// extrapolation raises the order by two per sweep; `J` enters only through `A`,
/// so a stiff `J` is damped rather than amplified (Bader & Deuflhard 1983, §2–3).
/// The time derivative enters the first substep only, as in GSL.
///
/// GSL's `J` and `f_t` come from `BatchODESystem`: the block-diagonal Jacobian of
/// the batch by forward mode, and the central difference
/// `(f(y, t + δ) − f(y, t − δ))/2δ`, `δ = 10⁻⁵·max(1, |t|)`, for the parameter-bound
/// field `GSLReplaySolver` hands GSL (it is not a `TimeDifferentiableField`).
/// `Φ` records that same difference, so it differentiates the map GSL computes;
/// the solves with `A` are supplied by the caller (`solve(r, k)` returns
/// `(I − (h/nₖ)·J)⁻¹ r` for sweep `k`), on the tape by the implicit-function rule.
///
/// Evaluations of `f`: 1 at `(tₙ, yₙ)`, 2 for `f_t`, and `Σ nₖ = 138` in the
/// sweeps, 141 in all; GSL counts 139 per step because the two for `f_t` happen
/// inside its Jacobian callback, which the count leaves out. GSL gives up a sweep whose increments grow beyond
/// `100·dim` relative to `|yₙ|`, which makes the step's error infinite and the step
/// rejected, so every accepted step ran all seven sweeps.
///
/// Reference: Bader & Deuflhard, Numer. Math. 41 (1983) 373–398, eq. (3.1)–(3.4);
/// Hairer & Wanner, *Solving ODEs II*, §IV.9.
enum BaderDeuflhardStep {
    /// `Φ(t, y, h)` with the sweeps' linear solves given.
    /// - Parameters:
    ///   - solve: `(r, k) ↦ (I − (h/nₖ)·J)⁻¹ r` with `J = ∂f/∂y` at `(t, y)`.
    ///   - evaluations: incremented by the evaluations of `f` (141).
    static func apply<Field: VectorField>(from y: Variable, at t: Double, by h: Double, field: Field,
                                          parameters theta: [Variable],
                                          solve: (Variable, Int) throws -> Variable,
                                          evaluations: inout Int) throws -> Variable {
        let f0 = try field(y, time: t, parameters: theta)
        let delta = BatchODESystem.timeDifferenceStep(at: t)
        let later = try field(y, time: t + delta, parameters: theta)
        let earlier = try field(y, time: t - delta, parameters: theta)
        let timeDerivative = try later.adding(earlier, scaledBy: -1).scaled(by: 1 / (2 * delta))
        evaluations += 3
        var sweeps: [Variable] = []
        for (k, n) in BaderDeuflhardExtrapolation.substepCounts.enumerated() {
            sweeps.append(try sweep(from: y, derivative: f0, timeDerivative: timeDerivative, at: t, by: h, substeps: n,
                                    field: field, parameters: theta, solve: { try solve($0, k) },
                                    evaluations: &evaluations))
        }
        let w = BaderDeuflhardExtrapolation.weights
        return try sweeps[0].scaled(by: w[0]).adding(Array(sweeps.dropFirst()), scaledBy: Array(w.dropFirst()))
    }

    /// One linearly implicit midpoint sweep of `n` substeps `s = h/n`: `T(s)`.
    static func sweep<Field: VectorField>(from y: Variable, derivative f0: Variable, timeDerivative ft: Variable,
                                          at t: Double, by h: Double, substeps n: Int, field: Field,
                                          parameters theta: [Variable], solve: (Variable) throws -> Variable,
                                          evaluations: inout Int) throws -> Variable {
        let s = h / Double(n)
        var delta = try solve(try f0.adding(ft, scaledBy: s).scaled(by: s))
        var state = try y + delta
        // The substep times accumulate as GSL's do.
        var time = t + s
        var slope = try field(state, time: time, parameters: theta)
        for _ in 1..<n {
            delta = try delta.adding(try solve(try slope.scaled(by: s).adding(delta, scaledBy: -1)), scaledBy: 2)
            state = try state + delta
            time += s
            slope = try field(state, time: time, parameters: theta)
        }
        evaluations += n
        return try state + (try solve(try slope.scaled(by: s).adding(delta, scaledBy: -1)))
    }
}
