// SPDX-License-Identifier: GPL-3.0-or-later

/// How a `GSLODESolver` combines the scaled local errors `rᵢ = wᵢ·|errᵢ| / (atolᵢ + rtol·|yᵢ|)`
/// of the tested components into the one number its step-size rule compares with 1.
public enum GSLErrorNorm: String, Sendable, CaseIterable {
    /// `maxᵢ rᵢ`: GSL's own `y` control (the default).
    case maximum
    /// `√((1/m) Σ rᵢ²)` over the `m` tested components: the norm of Hairer's `dopri5`,
    /// torchdiffeq, diffrax and ResODE's own solvers, through `WeightedErrorControl`.
    case rootMeanSquare
}
