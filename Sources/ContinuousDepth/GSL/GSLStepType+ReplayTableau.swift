// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import RungeKuttaMethods
import TensorCore

extension GSLStepType {
    /// The explicit Runge–Kutta step GSL takes with this stepper, as Butcher
    /// tableaus applied in sequence on `h / count` each (two half steps for
    /// `rk4`), so that `GSLReplaySolver` can replay GSL's accepted steps on the
    /// tape; `nil` for the implicit and multistep steppers, whose steps are not explicit RK.
    /// The propagated solution is the one GSL returns (a test compares one step
    /// of each with `GSLODESolver.step` to round-off):
    ///
    /// - `rk2`: Kutta's third-order method, `y + h(k₁ + 4k₂ + k₃)/6` with
    ///   `k₂ = f(t + h/2, y + hk₁/2)`, `k₃ = f(t + h, y + h(2k₂ − k₁))`;
    /// - `rk4`: two classical RK4 steps of `h/2`;
    /// - `rkf45`: Fehlberg's fifth-order weights (16/135, 0, 6656/12825, 28561/56430, −9/50, 2/55);
    /// - `rkck`: Cash–Karp's fifth-order weights (37/378, 0, 250/621, 125/594, 0, 512/1771);
    /// - `rk8pd`: Prince–Dormand 8(7)'s eighth-order weights, the library's `dopri8` tableau.
    ///
    /// Reference: Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.1 (Kutta 3) and
    /// §II.4 (Fehlberg 4(5), Table 4.1); Cash & Karp, ACM TOMS 16 (1990); Prince & Dormand,
    /// J. Comput. Appl. Math. 7 (1981).
    public var replayTableau: (tableau: ButcherTableau, substeps: Int)? {
        (makeStepReplay() as? ExplicitTableauReplay).map { ($0.tableau, $0.substeps) }
    }
}

extension ButcherTableau {
    /// Kutta's third-order method (the propagated solution of GSL's `rk2`).
    static let kuttaThird = ButcherTableau(
        name: "kutta3", a: [[], [0.5], [-1, 2]], b: [1.0 / 6, 4.0 / 6, 1.0 / 6], c: [0, 0.5, 1], order: 3)

    /// Runge–Kutta–Fehlberg with its fifth-order weights (GSL's `rkf45` propagates them).
    static let fehlberg5 = ButcherTableau(
        name: "fehlberg5",
        a: [[],
            [1.0 / 4],
            [3.0 / 32, 9.0 / 32],
            [1932.0 / 2197, -7200.0 / 2197, 7296.0 / 2197],
            [439.0 / 216, -8, 3680.0 / 513, -845.0 / 4104],
            [-8.0 / 27, 2, -3544.0 / 2565, 1859.0 / 4104, -11.0 / 40]],
        b: [16.0 / 135, 0, 6656.0 / 12825, 28561.0 / 56430, -9.0 / 50, 2.0 / 55],
        c: [0, 1.0 / 4, 3.0 / 8, 12.0 / 13, 1, 1.0 / 2], order: 5)

    /// Cash–Karp with its fifth-order weights (GSL's `rkck` propagates them).
    static let cashKarp5 = ButcherTableau(
        name: "cashkarp5",
        a: [[],
            [1.0 / 5],
            [3.0 / 40, 9.0 / 40],
            [3.0 / 10, -9.0 / 10, 6.0 / 5],
            [-11.0 / 54, 5.0 / 2, -70.0 / 27, 35.0 / 27],
            [1631.0 / 55296, 175.0 / 512, 575.0 / 13824, 44275.0 / 110592, 253.0 / 4096]],
        b: [37.0 / 378, 0, 250.0 / 621, 125.0 / 594, 0, 512.0 / 1771],
        c: [0, 1.0 / 5, 3.0 / 10, 3.0 / 5, 1, 7.0 / 8], order: 5)
}
