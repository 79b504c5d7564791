// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore

/// A first-order optimiser: it moves the parameters in place using their gradients
/// (one tensor per parameter, in `ParameterList` order) and whatever state it keeps
/// (velocities, moments) per parameter, in the same order. Updates allocate no
/// memory per element; state is allocated once, at the first update.
public protocol Optimizer: Sendable {
    /// The step size `η` of the next update; a `LearningRateSchedule` sets it before each update.
    var learningRate: Double { get set }

    /// Applies one update `θ ← θ − η·d(g, state)` to every parameter, in place.
    /// - Throws: `TrainingError.gradientCount` or `.gradientShape` when the gradients do not
    ///   match the parameters, `.optimizerStateMismatch` when the state was built for other
    ///   parameters; nothing is updated then.
    mutating func update(_ parameters: inout ParameterList, gradients: [Tensor]) throws

    /// Forgets the state (velocities, moments, step count), as if no update had been made.
    mutating func resetState()

    /// The state to save in a checkpoint.
    var savedState: OptimizerState { get }

    /// Replaces the state by a saved one, for these parameters.
    /// - Throws: `TrainingError.optimizerStateMismatch` when the saved tensors do not
    ///   fit `parameters` or a role is unknown; nothing is changed then.
    mutating func restore(_ state: OptimizerState, for parameters: ParameterList) throws
}

extension Optimizer {
    /// Checks that there is one gradient of the right shape per parameter and,
    /// if `state` is not empty, one state tensor of the right shape per parameter.
    func validate(_ gradients: [Tensor], for parameters: ParameterList, state: [Tensor]) throws {
        guard gradients.count == parameters.count else {
            throw TrainingError.gradientCount(expected: parameters.count, got: gradients.count)
        }
        for k in 0..<parameters.count where gradients[k].shape != parameters.values[k].shape {
            throw TrainingError.gradientShape(parameter: parameters.names[k], expected: parameters.values[k].shape,
                                              got: gradients[k].shape)
        }
        guard !state.isEmpty else { return }
        guard state.count == parameters.count else {
            throw TrainingError.optimizerStateMismatch(
                reason: "state for \(state.count) parameters, got \(parameters.count)")
        }
        for k in 0..<parameters.count where state[k].shape != parameters.values[k].shape {
            throw TrainingError.optimizerStateMismatch(
                reason: "state of '\(parameters.names[k])' has shape \(state[k].shape), the parameter \(parameters.values[k].shape)")
        }
    }
}

/// Throws unless `value` is finite and in the range `check` accepts.
func requireHyperparameter(_ name: String, _ value: Double, _ condition: String,
                           _ check: (Double) -> Bool) throws {
    guard value.isFinite && check(value) else {
        throw TrainingError.invalidHyperparameter(name: name, reason: "must be finite and \(condition); got \(value)")
    }
}
