// SPDX-License-Identifier: GPL-3.0-or-later

/// A stiff adjoint's gradient (`StiffAdjoint`, `CheckpointedStiffAdjoint`) with
/// what it cost: the implicit work of both passes and the forward data it held.
///
/// Memory is counted in cubic Hermite pieces (one per accepted forward step, four
/// states of `batch·d` values each: `yₙ, yₙ₊₁, fₙ, fₙ₊₁`) and in stored states
/// (`batch·d` values each): `StiffAdjoint` holds every forward step's piece at
/// once; the checkpointed one holds the checkpoints and one interval's pieces.
public struct StiffAdjointResult: Sendable {
    /// The loss, `∂ℓ/∂x₀`, `∂ℓ/∂θ` and the shared counts of both passes.
    public let gradient: ODEGradient
    /// The forward solve's implicit work.
    public let forward: ImplicitSolverStatistics
    /// The backward pass's implicit work, including any forward re-solves it made.
    public let backward: ImplicitSolverStatistics
    /// The largest number of dense-output pieces held at one time.
    public let largestDenseOutputPieceCount: Int
    /// The forward states kept from the forward pass for the backward pass (checkpoints;
    /// the states at the observation times are not counted: only their cotangents are kept).
    public let storedStateCount: Int
}
