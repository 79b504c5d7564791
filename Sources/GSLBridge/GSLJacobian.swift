// SPDX-License-Identifier: GPL-3.0-or-later

/// The derivatives of a right-hand side `f(t, y)` that implicit methods need.
///
///     stateJacobian[i·n + j] = ∂fᵢ/∂yⱼ      (row-major n×n)
///     timeDerivative[i]      = ∂fᵢ/∂t       (n entries; zeros for an autonomous system)
public struct GSLJacobian: Equatable, Sendable {
    /// `∂f/∂y`, row-major: entry `i·n + j` is `∂fᵢ/∂yⱼ`.
    public var stateJacobian: [Double]
    /// `∂f/∂t`, one entry per component of `f`.
    public var timeDerivative: [Double]

    /// Creates the pair from row-major `∂f/∂y` (n·n entries) and `∂f/∂t` (n entries).
    public init(stateJacobian: [Double], timeDerivative: [Double]) {
        self.stateJacobian = stateJacobian
        self.timeDerivative = timeDerivative
    }
}
