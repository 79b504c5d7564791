// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// What a loss function returns for one batch: the scalar loss to minimise, the
/// model's outputs for accuracy, and optional counters.
///
/// `counters` is called after the backward pass, so it can report work done in
/// either direction, for example the right-hand-side evaluations of an ODE solve
/// counted by a box that the forward solve and the adjoint's pullback both capture:
///
///     LossEvaluation(loss: l, outputs: z) { ["forward_evaluations": box.forward, "backward_evaluations": box.backward] }
///
/// The trainer averages each counter over the batches of an epoch (a batch that does not
/// report it counts 0) and writes one extra metrics column per name, sorted by name.
public struct LossEvaluation {
    /// The mean loss over the batch, rank 0 (or one element).
    public var loss: Variable
    /// Logits or predictions `[n, k]` / `[n]` from which accuracy is measured against the batch's labels;
    /// `nil` when accuracy does not apply.
    public var outputs: Variable?
    /// Extra per-batch counters, read once after the gradient has been computed.
    public var counters: () -> [String: Double]

    /// - Parameters:
    ///   - loss: the batch's mean loss (one element).
    ///   - outputs: logits or predictions for accuracy, if any.
    ///   - counters: extra counters, evaluated after the backward pass.
    public init(loss: Variable, outputs: Variable? = nil, counters: @escaping () -> [String: Double] = { [:] }) {
        self.loss = loss
        self.outputs = outputs
        self.counters = counters
    }
}

/// A loss on one batch as a function of the parameters (in `ParameterList` order).
/// During training the parameters are tracked variables; during evaluation they are constants.
public typealias LossFunction = (_ batch: Samples, _ parameters: [Variable]) throws -> LossEvaluation
