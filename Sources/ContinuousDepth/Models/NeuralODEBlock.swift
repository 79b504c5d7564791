// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// The ODE block of an ODE-Net: the flow of `dx/dt = f(x, t; θ)` from 0 to `t1`,
///
///     x ↦ x(t1),   x(0) = x,   f = linear2(act(linear1(x)))   (parameters f.linear1.weight, …)
///
/// With the own solvers and `.backprop`, the autodiff differentiates through the
/// accepted steps. With `.adjoint` or `.checkpointed` (required for GSL solvers,
/// whose steps the autodiff cannot see), the forward solve is one opaque
/// operation whose pullback is the continuous adjoint (Chen et al. 2018),
/// integrated backwards with GSL's `rkf45` at the same tolerances.
///
/// A tied Euler ResNet of depth L is this block with `solver = euler`, `steps = L`.
/// Reference: Chen, Rubanova, Bettencourt & Duvenaud, "Neural ordinary differential
/// equations" (NeurIPS 2018); Papers/chen2018-odenet.
public struct NeuralODEBlock: DifferentiableModel {
    public let spec: NeuralODESpec
    public let gradientMethod: NeuralODEGradientMethod
    /// Function evaluations of every solve this block makes (forward and backward).
    public let counter = EvaluationCounter()
    public var parameters: ParameterList

    /// - Throws: `ContinuousDepthError.invalidArgument` when `.backprop` is asked of a GSL solver.
    public init(spec: NeuralODESpec, gradientMethod: NeuralODEGradientMethod? = nil, seed: UInt64) throws {
        try self.init(spec: spec, gradientMethod: gradientMethod,
                      parameters: NeuralVectorField(field: spec.field, seed: seed).parameters)
    }

    /// A block with given weights `f.linear1.weight`, … (every key required, no others).
    public init(spec: NeuralODESpec, gradientMethod: NeuralODEGradientMethod? = nil, weights: [String: Tensor]) throws {
        let field = try spec.field
        let names = field.parameterNames(prefix: "f.")
        var values: [Tensor] = []
        for (name, shape) in zip(names, field.parameterShapes) {
            guard let w = weights[name] else { throw ContinuousDepthError.invalidArgument("weights: key '\(name)' is missing") }
            guard w.shape == shape else {
                throw ContinuousDepthError.invalidArgument("weights: key '\(name)' has shape \(w.shape), expected \(shape)")
            }
            values.append(w)
        }
        if let extra = weights.keys.sorted().first(where: { !names.contains($0) }) {
            throw ContinuousDepthError.invalidArgument("weights: key '\(extra)' does not belong to this model")
        }
        try self.init(spec: spec, gradientMethod: gradientMethod, parameters: ParameterList(names: names, values: values))
    }

    init(spec: NeuralODESpec, gradientMethod: NeuralODEGradientMethod?, parameters: ParameterList) throws {
        try spec.validate()
        let method: NeuralODEGradientMethod
        if case .gsl = spec.solver { method = gradientMethod ?? .adjoint } else if spec.solver == .rodas4 {
            method = gradientMethod ?? .adjoint
        } else { method = gradientMethod ?? .backprop }
        if spec.solver == .rodas4, method == .backprop {
            throw ContinuousDepthError.invalidArgument(
                "backprop through rodas4 would need second derivatives of f; use kvaerno5 (backprop by the "
                    + "implicit-function rule) or the adjoint")
        }
        if case .gsl(let type) = spec.solver, method == .backprop {
            throw ContinuousDepthError.invalidArgument(
                "backprop through the solver needs an own solver ("
                    + NeuralODESolverChoice.ownSchemes.map(\.description).joined(separator: ", ") + "); GSL's \(type.rawValue) takes the adjoint")
        }
        self.spec = spec
        self.gradientMethod = method
        self.parameters = parameters
    }

    /// The field with the given parameter values.
    public func field(_ values: [Tensor]) throws -> NeuralVectorField {
        try NeuralVectorField(field: spec.field, weights: values)
    }

    public func forward(_ x: Variable, parameters theta: [Variable]) throws -> Variable {
        let field = try self.field(theta.map(\.value))
        if gradientMethod == .backprop || !(x.isTracked || theta.contains { $0.isTracked }) {
            if spec.solver == .rodas4 {
                let trajectory = try Rodas4Solver(relativeTolerance: spec.relativeTolerance,
                                                  absoluteTolerance: spec.absoluteTolerance)
                    .solve(field, initialState: x.value, from: 0, to: spec.endTime)
                counter.addForward(trajectory.statistics.functionEvaluations)
                return Variable(trajectory.states[trajectory.states.count - 1])
            }
            if case .gsl = spec.solver {
                let trajectory = try gslSolver().estimatingInitialStep(for: field, initialState: x.value, from: 0, to: spec.endTime)
                    .solve(field, initialState: x.value, from: 0, to: spec.endTime)
                counter.addForward(trajectory.statistics.functionEvaluations)
                return Variable(trajectory.states[trajectory.states.count - 1])
            }
            let trajectory = try ownSolver().solve(field, initialState: x, parameters: theta, from: 0, to: spec.endTime,
                                                   saving: .times([spec.endTime]))
            counter.addForward(trajectory.statistics.functionEvaluations)
            if x.isTracked || theta.contains(where: \.isTracked) { counter.addBackward(trajectory.acceptedEvaluations) }
            guard let y = trajectory.finalState else { throw ContinuousDepthError.invalidArgument("the solve returned no state") }
            return y
        }
        return try adjointForward(x, theta, field)
    }

    /// Forward solve as one opaque operation whose pullback is the (checkpointed) adjoint.
    func adjointForward(_ x: Variable, _ theta: [Variable], _ field: NeuralVectorField) throws -> Variable {
        let trajectory: Trajectory
        if case .gsl = spec.solver {
            trajectory = try gslSolver().estimatingInitialStep(for: field, initialState: x.value, from: 0, to: spec.endTime)
                .solve(field, initialState: x.value, from: 0, to: spec.endTime)
        } else if spec.solver == .rodas4 {
            trajectory = try Rodas4Solver(relativeTolerance: spec.relativeTolerance, absoluteTolerance: spec.absoluteTolerance)
                .solve(field, initialState: x.value, from: 0, to: spec.endTime)
        } else {
            trajectory = try ownSolver().solve(field, initialState: x.value, from: 0, to: spec.endTime)
        }
        counter.addForward(trajectory.statistics.functionEvaluations)
        let y = trajectory.states[trajectory.states.count - 1]
        let adjointSolver = try GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: spec.relativeTolerance,
                                                   absoluteTolerance: spec.absoluteTolerance)
            .estimatingInitialStep(for: field, initialState: x.value, from: 0, to: spec.endTime)
        let (method, counter, t1, x0) = (gradientMethod, counter, spec.endTime, x.value)
        return try Variable.customOperation(y, inputs: [x] + theta, name: "NeuralODEBlock") { ybar in
            switch method {
            case .checkpointed:
                let g = try CheckpointedAdjoint(solver: adjointSolver).gradient(
                    of: field, initialState: x0, from: 0, observationTimes: [t1]) { states in
                        try (states[0] * Variable(ybar)).sum()
                    }
                counter.addBackward(g.backward.functionEvaluations)
                return [g.initialState] + g.parameters
            default:
                let s = try ContinuousAdjoint(solver: adjointSolver).backpropagate([ybar], through: trajectory, of: field, from: 0)
                counter.addBackward(s.statistics.functionEvaluations)
                return [s.initialState] + s.parameters
            }
        }
    }

    func ownSolver() throws -> any DifferentiableODESolver {
        if let tableau = spec.solver.fixedStepTableau { return try FixedStepSolver(tableau, stepCount: spec.steps) }
        if spec.solver == .kvaerno5 {
            return try Kvaerno5Solver(relativeTolerance: spec.relativeTolerance, absoluteTolerance: spec.absoluteTolerance)
        }
        guard let tableau = spec.solver.adaptiveTableau else {
            throw ContinuousDepthError.invalidArgument("\(spec.solver) is not an own solver")
        }
        return try EmbeddedRungeKuttaSolver(tableau, relativeTolerance: spec.relativeTolerance,
                                            absoluteTolerance: spec.absoluteTolerance)
    }

    func gslSolver() throws -> GSLNeuralODESolver {
        guard case .gsl(let type) = spec.solver else { throw ContinuousDepthError.invalidArgument("not a GSL solver") }
        return GSLNeuralODESolver(stepType: type, relativeTolerance: spec.relativeTolerance,
                                      absoluteTolerance: spec.absoluteTolerance,
                                      initialStepSize: Swift.min(1e-3, Swift.abs(spec.endTime) / 10))
    }
}
