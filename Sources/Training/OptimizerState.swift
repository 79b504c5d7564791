// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore

/// What an optimiser carries from one update to the next, as plain values for a
/// checkpoint: the number of updates made and named lists of per-parameter tensors
/// (Adam: `"m"` and `"v"`, the moment estimates; SGD with momentum: `"velocity"`).
/// An empty list means "not allocated yet" (before the first update).
///
/// Restoring a saved state and continuing gives bit for bit the updates that the
/// uninterrupted optimiser would have made: every update reads only this state,
/// the gradients and the learning rate.
public struct OptimizerState: Equatable, Sendable {
    /// Updates made so far (Adam's `t`; SGD counts them too).
    public var stepCount: Int
    /// Per-parameter tensors by role, each list in `ParameterList` order.
    public var tensors: [String: [Tensor]]

    public init(stepCount: Int, tensors: [String: [Tensor]]) {
        self.stepCount = stepCount
        self.tensors = tensors
    }

    /// Checks that `list` is empty or holds one tensor of the right shape per parameter.
    func requireMatching(_ role: String, _ list: [Tensor], _ parameters: ParameterList) throws {
        guard !list.isEmpty else { return }
        guard list.count == parameters.count else {
            throw TrainingError.optimizerStateMismatch(reason: "saved '\(role)' holds \(list.count) tensors for \(parameters.count) parameters")
        }
        for k in 0..<list.count where list[k].shape != parameters.values[k].shape {
            throw TrainingError.optimizerStateMismatch(
                reason: "saved '\(role)' of '\(parameters.names[k])' has shape \(list[k].shape), the parameter \(parameters.values[k].shape)")
        }
    }
}
