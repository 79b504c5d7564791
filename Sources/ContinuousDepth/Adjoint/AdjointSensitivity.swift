// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// What a backward (adjoint) pass returns for given cotangents `∂ℓ/∂x(tₖ)`:
///
///     initialState = a(t₀) = ∂ℓ/∂x(t₀),   parameters = a_θ(t₀) = ∂ℓ/∂θ
public struct AdjointSensitivity: Sendable {
    /// `∂ℓ/∂x(t₀)`, shape `[batch, d]`.
    public let initialState: Tensor
    /// `∂ℓ/∂θ`, in the field's `parameters.names` order.
    public let parameters: [Tensor]
    /// The cost of the backward pass (including any forward re-integration it did).
    public let statistics: SolverStatistics

    /// Bundles the backward pass's results.
    public init(initialState: Tensor, parameters: [Tensor], statistics: SolverStatistics) {
        self.initialState = initialState
        self.parameters = parameters
        self.statistics = statistics
    }
}
