// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A model's state outside its parameters that training-mode forward passes change: batch
/// normalisation's running averages. The trainer reads and writes it by name so that
/// checkpoints carry it and data-parallel training combines it in block order.
///
/// Under `DataParallelism` each block starts its forward pass from the batch's buffers `r₀`,
/// so a block's layers fold only that block's statistics in (`r_k`), and the buffers after the
/// batch are the block-weighted sum along the gradients' tree,
///
///     r ← Σ_k w_k · r_k,   w_k = n_k / n,
///
/// the same bits for every process count. For batch norm's running mean with momentum `m`,
/// `r_k = (1 − m)·r₀ + m·μ_k`, so `Σ_k w_k r_k = (1 − m)·r₀ + m·μ` (the batch mean) up to rounding;
/// the running variance becomes the block-weighted mean of the blocks' unbiased variances.
public struct ModelBuffers: Sendable {
    /// The buffers' names, in the order `read` returns and `write` takes them.
    public let names: [String]
    /// The current values.
    public let read: @Sendable () throws -> [Tensor]
    /// Replaces the values (same names, order and shapes).
    public let write: @Sendable ([Tensor]) throws -> Void

    public init(names: [String], read: @escaping @Sendable () throws -> [Tensor], write: @escaping @Sendable ([Tensor]) throws -> Void) {
        self.names = names
        self.read = read
        self.write = write
    }
}
