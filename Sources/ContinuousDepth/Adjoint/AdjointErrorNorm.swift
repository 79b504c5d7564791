// SPDX-License-Identifier: GPL-3.0-or-later

/// Which components of the augmented adjoint state `s = [x, a, a_θ]` the
/// backward solve's step-size control tests (GSL's max-norm test):
///
///     fullState:  |errᵢ| ≤ atol + rtol·|sᵢ|   for every component of [x, a, a_θ]
///     seminorm:   |errᵢ| ≤ atol + rtol·|sᵢ|   for the components of x and a only
///
/// `a_θ(t) = ∫ₜ^{t_K} a(τ)ᵀ ∂f/∂θ(x(τ), τ) dτ` is a pure quadrature: nothing in
/// the system depends on it, so its local error never feeds back into `x` or
/// `a`, and its accuracy follows from theirs. Testing it anyway rejects or
/// shortens steps for an error that does not propagate; with the seminorm the
/// backward pass takes fewer steps at no loss in gradient accuracy (Kidger et
/// al. report about 40 % fewer backward evaluations on their benchmarks;
/// torchdiffeq's `adjoint_options=dict(norm="seminorm")`).
///
/// Reference: Kidger, Chen & Lyons, “‘Hey, that's not an ODE’: Faster ODE
/// Adjoints via Seminorms”, ICML 2021, §3.
public enum AdjointErrorNorm: Sendable, Equatable, CaseIterable {
    /// Every component of `[x, a, a_θ]` is tested (GSL's plain `y` control).
    case fullState
    /// Only `x` and `a` are tested; the parameter adjoint `a_θ` is left out.
    case seminorm
}
