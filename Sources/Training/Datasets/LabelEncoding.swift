// SPDX-License-Identifier: GPL-3.0-or-later

/// How class labels `c ∈ 0..<k` become the numeric `targets` of a `Dataset`.
public enum LabelEncoding: Sendable, Equatable {
    /// Two classes only: targets of shape `[n, 1]` holding `2c − 1`, i.e. −1 for class 0 and
    /// +1 for class 1 (the convention of Dupont et al. 2019 for nested spheres).
    case signed
    /// Targets of shape `[n, k]` with row `i` equal to the unit vector `e_{cᵢ}`.
    case oneHot
}
