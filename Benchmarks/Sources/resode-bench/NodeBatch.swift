// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// The W3 node-batch-grad problem: a batch of 256 states of the tanh MLP field
///
///     f(x) = tanh(x·W1ᵀ + b1)·W2ᵀ + b2      (dim 32, hidden 64)
///
/// on `t ∈ [0, t1]` (`t1` = 1 or 10), rtol 1e-6, atol 1e-8, the loss
/// `ℓ = 0.5·mean_b Σ_i x(t1)²`, and the ways ResODE solves it and computes
/// `∂ℓ/∂(W1, b1, W2, b2)`.
struct NodeBatch {
    let field: NeuralVectorField
    /// `x(0)`, `[256, 32]`.
    let initialState: Tensor
    private(set) var endTime: Double

    static let relativeTolerance = 1e-6
    static let absoluteTolerance = 1e-8

    init(data: BenchmarkData, endTime: Double) throws {
        let weights = try ["w3_W1", "w3_b1", "w3_W2", "w3_b2"].map { try data.array($0) }
        initialState = try data.array("w3_x0")
        guard weights[0].rank == 2, initialState.rank == 2, initialState.shape[1] == weights[0].shape[1] else {
            throw BenchmarkError.badInput("W3 inputs: W1 \(weights[0].shape), x0 \(initialState.shape)")
        }
        field = try NeuralVectorField(field: try MLPField(dimension: weights[0].shape[1], hidden: weights[0].shape[0],
                                                          activation: .tanh),
                                      weights: weights)
        self.endTime = endTime
    }

    /// A copy at another final time (the memory probe warms up on a short span).
    func with(endTime t1: Double) -> NodeBatch {
        var copy = self
        copy.endTime = t1
        return copy
    }

    /// `ℓ = 0.5·mean_b Σ_i x²`, as a user writes it.
    func loss(_ x: Variable) throws -> Variable {
        try x.square().sum() * (0.5 / Double(initialState.shape[0]))
    }

    /// What W3 times.
    enum Method: String, CaseIterable {
        /// Forward solve, own Dormand–Prince 5(4) (RMS norm, as the peers).
        case forward = "fwd"
        /// Forward solve with GSL, the one the adjoints start with.
        case forwardGSL = "fwd-gsl"
        /// `ContinuousAdjoint` (GSL forward, GSL backward solve of [x, a, a_θ]), with its
        /// default error test: the seminorm on x and a (`AdjointErrorNorm.seminorm`).
        case adjoint
        /// `ContinuousAdjoint` with the error test on all of [x, a, a_θ] (`.fullState`),
        /// for comparison in the work–precision sweep (no peer does this).
        case adjointFullState = "adjoint-full"
        /// `ContinuousAdjoint` (seminorm) with GSL's Fehlberg 4(5) pair both ways
        /// instead of Cash–Karp's, for comparison in the work–precision sweep.
        case adjointFehlberg = "adjoint-rkf45"
        /// `ContinuousAdjoint` (seminorm) with GSL's Prince–Dormand 8(9) both ways:
        /// 13 evaluations a step, far fewer steps at tight tolerances.
        case adjointDormandPrince87 = "adjoint-rk8pd"
        /// `ContinuousAdjoint` (seminorm) with the own Dormand–Prince 5(4) both ways
        /// (RMS norm, as the peers' adjoints with Dopri5).
        case adjointDormandPrince54 = "adjoint-dopri5"
        /// `ContinuousAdjoint` (seminorm) with the own Tsitouras 5(4) both ways.
        case adjointTsitouras54 = "adjoint-tsit5"
        /// `adjoint-dopri5` with the classical I controller (`h·0.9·err^(−1/5)`, factors in
        /// [0.2, 10]) instead of the default PI controller: diffrax's default `PIDController`.
        case adjointDormandPrince54Integral = "adjoint-dopri5-i"
        /// `adjoint-tsit5` with the I controller.
        case adjointTsitouras54Integral = "adjoint-tsit5-i"
        /// `CheckpointedAdjoint` (GSL; `checkpointCount` intervals, no recomputation).
        case checkpointed
        /// `BackpropThroughSolver` on own Dormand–Prince 5(4).
        case backprop

        var isGradient: Bool { self != .forward && self != .forwardGSL }
    }

    /// The classical I controller `h·0.9·err^(−1/k)`, factors in [0.2, 10] (the gains of
    /// diffrax's default `PIDController`), for the `-i` adjoint rows.
    static func integralController() throws -> ProportionalIntegralController {
        try ProportionalIntegralController(safety: 0.9, integralGain: 1, proportionalGain: 0,
                                           minimumFactor: 0.2, maximumFactor: 10)
    }

    /// GSL's stepper for the GSL forward solve and the adjoints' forward and backward
    /// solves: Cash–Karp 4(5), which reaches a given error here with fewer evaluations
    /// than Fehlberg's rkf45 (see `adjoint-rkf45` in the work–precision sweep).
    static let gslStepType = GSLStepType.rkck
    /// The checkpointed adjoint's `N` and `M` (see `CheckpointedAdjoint`).
    static let checkpointCount = 4
    static let recomputedPointsPerInterval = 1

    /// The GSL solver, with its first step from Hairer's algorithm (as `NeuralODEBlock` uses it).
    func gslSolver(relativeTolerance rtol: Double, absoluteTolerance atol: Double,
                   stepType: GSLStepType = NodeBatch.gslStepType) throws -> GSLNeuralODESolver {
        try GSLNeuralODESolver(stepType: stepType, relativeTolerance: rtol, absoluteTolerance: atol)
            .estimatingInitialStep(for: field, initialState: initialState, from: 0, to: endTime)
    }

    /// `x(t1)` by the forward methods.
    func solve(_ method: Method, relativeTolerance rtol: Double = relativeTolerance,
               absoluteTolerance atol: Double = absoluteTolerance) throws -> Trajectory {
        switch method {
        case .forwardGSL:
            return try gslSolver(relativeTolerance: rtol, absoluteTolerance: atol)
                .solve(field, initialState: initialState, from: 0, to: endTime)
        default:
            return try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: rtol, absoluteTolerance: atol)
                .solve(field, initialState: initialState, from: 0, to: endTime)
        }
    }

    /// `ℓ` and its gradients by the gradient methods.
    func gradient(_ method: Method, relativeTolerance rtol: Double = relativeTolerance,
                  absoluteTolerance atol: Double = absoluteTolerance) throws -> ODEGradient {
        let loss = { (states: [Variable]) throws -> Variable in
            guard let final = states.last else { throw BenchmarkError.badInput("W3: the solve returned no state") }
            return try self.loss(final)
        }
        switch method {
        case .adjoint, .adjointFullState, .adjointFehlberg, .adjointDormandPrince87:
            let stepType = method == .adjointFehlberg ? GSLStepType.rkf45
                : method == .adjointDormandPrince87 ? GSLStepType.rk8pd : NodeBatch.gslStepType
            return try ContinuousAdjoint(solver: gslSolver(relativeTolerance: rtol, absoluteTolerance: atol, stepType: stepType),
                                         backwardStepType: stepType,
                                         errorNorm: method == .adjointFullState ? .fullState : .seminorm)
                .gradient(of: field, initialState: initialState, from: 0, observationTimes: [endTime], loss: loss)
        case .adjointDormandPrince54, .adjointTsitouras54, .adjointDormandPrince54Integral, .adjointTsitouras54Integral:
            let tableau: ButcherTableau = method == .adjointDormandPrince54 || method == .adjointDormandPrince54Integral
                ? .dormandPrince54 : .tsitouras54
            let controller = method == .adjointDormandPrince54Integral || method == .adjointTsitouras54Integral
                ? try NodeBatch.integralController() : ProportionalIntegralController.standard
            let options = try SolverOptions(relativeTolerance: rtol, absoluteTolerance: atol)
            return try ContinuousAdjoint(forward: try EmbeddedRungeKuttaSolver(tableau, options: options, controller: controller),
                                         options: options) {
                try EmbeddedRungeKuttaSolver(tableau, options: $0, controller: controller)
            }
            .gradient(of: field, initialState: initialState, from: 0, observationTimes: [endTime], loss: loss)
        case .checkpointed:
            return try CheckpointedAdjoint(solver: gslSolver(relativeTolerance: rtol, absoluteTolerance: atol),
                                           backwardStepType: NodeBatch.gslStepType,
                                           checkpointCount: NodeBatch.checkpointCount,
                                           recomputedPointsPerInterval: NodeBatch.recomputedPointsPerInterval)
                .gradient(of: field, initialState: initialState, from: 0, observationTimes: [endTime], loss: loss)
        case .backprop, .forward, .forwardGSL:
            let solver = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: rtol, absoluteTolerance: atol)
            return try BackpropThroughSolver(solver)
                .gradient(of: field, initialState: initialState, from: 0, observationTimes: [endTime], loss: loss)
        }
    }

    /// The reference: `ℓ`, the gradients flattened in (W1, b1, W2, b2) order, `x(t1)`,
    /// from backprop through own Dormand–Prince 5(4) at rtol = atol = 1e-12, and the
    /// relative difference of the continuous adjoint (GSL rk8pd both ways, full-state
    /// error test as before the seminorm became the default) at 1e-12.
    struct Reference {
        let loss: Double
        let gradient: Tensor
        let finalState: Tensor
        let statistics: SolverStatistics
        let adjointDifference: Double
        let adjointStatistics: SolverStatistics
    }

    func reference() throws -> Reference {
        let backprop = try gradient(.backprop, relativeTolerance: 1e-12, absoluteTolerance: 1e-12)
        let state = try EmbeddedRungeKuttaSolver(.dormandPrince54, relativeTolerance: 1e-12, absoluteTolerance: 1e-12)
            .solve(field, initialState: initialState, from: 0, to: endTime)
        let tight = GSLNeuralODESolver(stepType: .rk8pd, relativeTolerance: 1e-12, absoluteTolerance: 1e-12,
                                       initialStepSize: 1e-3)
        let adjoint = try ContinuousAdjoint(solver: tight, backwardStepType: .rk8pd, errorNorm: .fullState)
            .gradient(of: field, initialState: initialState, from: 0, observationTimes: [endTime]) { try self.loss($0[0]) }
        let g = try NodeBatch.flatten(backprop.parameters)
        guard let finalState = state.finalState else { throw BenchmarkError.badInput("W3 reference: no final state") }
        return Reference(loss: backprop.loss, gradient: g, finalState: finalState, statistics: backprop.forward,
                         adjointDifference: try NodeBatch.flatten(adjoint.parameters).relativeDifference(to: g),
                         adjointStatistics: adjoint.forward + adjoint.backward)
    }

    /// The parameter gradients concatenated into one vector (W1, b1, W2, b2).
    static func flatten(_ tensors: [Tensor]) throws -> Tensor {
        Tensor(tensors.flatMap(\.scalars))
    }
}
