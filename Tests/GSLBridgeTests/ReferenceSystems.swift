// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge

/// Reference problems for the GSL bridge tests, each with its Jacobian.
enum ReferenceSystems {
    /// Exponential decay `y′ = λ·y`, `y(t) = y(0)·e^{λt}`.
    static func decay(rate lambda: Double = -1) -> GSLODESystem {
        GSLODESystem(
            dimension: 1,
            rightHandSide: { _, y in [lambda * y[0]] },
            jacobian: { _, _ in GSLJacobian(stateJacobian: [lambda], timeDerivative: [0]) })
    }

    /// Harmonic oscillator `x″ = −x` as `(x, v)′ = (v, −x)`;
    /// from `(1, 0)`, `x(t) = cos t`, `v(t) = −sin t`.
    static var oscillator: GSLODESystem {
        GSLODESystem(
            dimension: 2,
            rightHandSide: { _, y in [y[1], -y[0]] },
            jacobian: { _, _ in GSLJacobian(stateJacobian: [0, 1, -1, 0], timeDerivative: [0, 0]) })
    }

    /// Van der Pol oscillator `x″ = μ(1 − x²)x′ − x`, stiff for large `μ`;
    /// the limit cycle has amplitude about 2 and period about `(3 − 2 ln 2)·μ`.
    static func vanDerPol(mu: Double) -> GSLODESystem {
        GSLODESystem(
            dimension: 2,
            rightHandSide: { _, y in [y[1], mu * (1 - y[0] * y[0]) * y[1] - y[0]] },
            jacobian: { _, y in
                GSLJacobian(stateJacobian: [0, 1, -2 * mu * y[0] * y[1] - 1, mu * (1 - y[0] * y[0])],
                            timeDerivative: [0, 0])
            })
    }

    /// Robertson's chemical kinetics, a classic stiff system conserving `y₁ + y₂ + y₃`:
    ///
    ///     y₁′ = −0.04·y₁ + 10⁴·y₂·y₃
    ///     y₂′ =  0.04·y₁ − 10⁴·y₂·y₃ − 3·10⁷·y₂²
    ///     y₃′ =  3·10⁷·y₂²
    ///
    /// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.1 (eq. 1.4).
    static var robertson: GSLODESystem {
        GSLODESystem(
            dimension: 3,
            rightHandSide: { _, y in
                [-0.04 * y[0] + 1e4 * y[1] * y[2],
                 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] * y[1],
                 3e7 * y[1] * y[1]]
            },
            jacobian: { _, y in
                GSLJacobian(stateJacobian: [-0.04, 1e4 * y[2], 1e4 * y[1],
                                            0.04, -1e4 * y[2] - 6e7 * y[1], -1e4 * y[1],
                                            0, 6e7 * y[1], 0],
                            timeDerivative: [0, 0, 0])
            })
    }

    /// Robertson's solution at `t = 40` from `(1, 0, 0)` (computed at very tight tolerance).
    static let robertsonAtForty = [0.7158270687193855, 9.185534764557273e-6, 0.2841637457458499]
}

/// An error type no library can produce, to check that errors pass through unchanged.
struct SentinelError: Error, Equatable {
    let identifier: Int
}
