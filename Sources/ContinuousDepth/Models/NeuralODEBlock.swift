// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import NetworkLayers
import TensorCore

/// The ODE block of an ODE-Net: the flow of `dx/dt = f(x, t; θ)` from 0 to `t1`,
///
///     x ↦ x(t1),   x(0) = x,   f = linear2(act(linear1(x)))   (parameters f.linear1.weight, …)
///
/// The gradient method (`NeuralODEGradientMethod`) is the spec's `gradient`, else
/// `NeuralODESolverChoice.defaultGradientMethod`; the continuous adjoint works with every
/// solver, the checkpointed one too (`kvaerno5`, `rodas4`: `CheckpointedStiffAdjoint`), backprop with the own schemes
/// (explicit, `kvaerno5` and `rodas4`) and every GSL stepper:
/// - `.backprop`: the autodiff differentiates through the accepted steps — the own
///   schemes' on the tape (`rodas4`'s stages as linearized solves whose pullback takes
///   Hessian–vector products of `f`, `LinearizedSolveOperation`), GSL's replayed there
///   (`GSLReplaySolver`, `GSLStepType.makeStepReplay`).
/// - `.adjoint`, `.checkpointed`: the forward solve is one opaque operation whose
///   pullback is the continuous adjoint (Chen et al. 2018) with the seminorm,
///   integrated backwards by the forward solver's own scheme at the same
///   tolerances (an own embedded pair, the same fixed-step scheme and step count,
///   or the GSL stepper; `rkf45` for GSL steppers that need a Jacobian); for `kvaerno5`
///   and `rodas4` Kvaerno5 both ways, `x` read off a forward dense output
///   (`StiffAdjoint`; `.checkpointed`: one checkpoint interval's, `CheckpointedStiffAdjoint`).
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
        let method = gradientMethod ?? spec.gradientMethod
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
        let tracked = x.isTracked || theta.contains { $0.isTracked }
        if gradientMethod == .backprop, tracked, case .gsl = spec.solver {
            let trajectory = try GSLReplaySolver(try gslSolver().estimatingInitialStep(
                for: field, initialState: x.value, from: 0, to: spec.endTime))
                .solve(field, initialState: x, parameters: theta, from: 0, to: spec.endTime, saving: .times([spec.endTime]))
            counter.addForward(trajectory.statistics.functionEvaluations)
            counter.addBackward(trajectory.acceptedEvaluations)
            guard let y = trajectory.finalState else { throw ContinuousDepthError.invalidArgument("the solve returned no state") }
            return y
        }
        if gradientMethod == .backprop || !tracked {
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
        let (method, counter, t1, x0) = (gradientMethod, counter, spec.endTime, x.value)
        if NeuralODESolverChoice.implicitSchemes.contains(spec.solver) {
            // A stiff problem's adjoint is as stiff as the problem: Kvaerno5 both ways, the
            // state read off a forward dense output (whole, or one checkpoint interval's)
            // rather than integrated backwards.
            let options = try SolverOptions(relativeTolerance: spec.relativeTolerance,
                                            absoluteTolerance: spec.absoluteTolerance)
            let (whole, checkpointed) = (try StiffAdjoint(options: options), try CheckpointedStiffAdjoint(options: options))
            return try Variable.customOperation(y, inputs: [x] + theta, name: "NeuralODEBlock") { ybar in
                let loss = { (states: [Variable]) throws -> Variable in try (states[0] * Variable(ybar)).sum() }
                let g = method == .checkpointed
                    ? try checkpointed.gradient(of: field, initialState: x0, from: 0, observationTimes: [t1], loss: loss)
                    : try whole.gradient(of: field, initialState: x0, from: 0, observationTimes: [t1], loss: loss)
                counter.addBackward(g.backward.functionEvaluations)
                return [g.initialState] + g.parameters
            }
        }
        let (continuous, checkpointed) = try adjoints(for: field, initialState: x0)
        return try Variable.customOperation(y, inputs: [x] + theta, name: "NeuralODEBlock") { ybar in
            switch method {
            case .checkpointed:
                let g = try checkpointed.gradient(
                    of: field, initialState: x0, from: 0, observationTimes: [t1]) { states in
                        try (states[0] * Variable(ybar)).sum()
                    }
                counter.addBackward(g.backward.functionEvaluations)
                return [g.initialState] + g.parameters
            default:
                let s = try continuous.backpropagate([ybar], through: trajectory, of: field, from: 0)
                counter.addBackward(s.statistics.functionEvaluations)
                return [s.initialState] + s.parameters
            }
        }
    }

    /// The continuous and checkpointed adjoints of this block's solver, both ways
    /// with its own scheme: GSL steppers backwards with themselves (`rkf45` when
    /// they need a Jacobian), own embedded pairs with the same pair and options, own
    /// fixed-step schemes on the forward grid.
    func adjoints(for field: NeuralVectorField, initialState x0: Tensor) throws -> (ContinuousAdjoint, CheckpointedAdjoint) {
        if case .gsl = spec.solver {
            let solver = try gslSolver().estimatingInitialStep(for: field, initialState: x0, from: 0, to: spec.endTime)
            return (ContinuousAdjoint(solver: solver), CheckpointedAdjoint(solver: solver))
        }
        let options = try SolverOptions(relativeTolerance: spec.relativeTolerance, absoluteTolerance: spec.absoluteTolerance)
        let forward = try ownSolver()
        if let tableau = spec.solver.fixedStepTableau {
            // The backward pass mirrors the forward grid h = t1/steps: the whole span in
            // `steps` steps, or N checkpoint pieces (N the largest divisor of `steps` up to
            // 16, so the checkpoints lie on the grid; no recomputation) of steps/N each.
            let steps = spec.steps
            let pieces = (1...Swift.min(16, steps)).last { steps % $0 == 0 } ?? 1
            return (ContinuousAdjoint(forward: forward, options: options) { _ in try FixedStepSolver(tableau, stepCount: steps) },
                    CheckpointedAdjoint(forward: forward, options: options, checkpointCount: pieces,
                                        recomputedPointsPerInterval: 1) { _ in
                        try FixedStepSolver(tableau, stepCount: steps / pieces)
                    })
        }
        guard let tableau = spec.solver.adaptiveTableau else {
            throw ContinuousDepthError.invalidArgument("\(spec.solver) is not an own solver")
        }
        let backward: @Sendable (SolverOptions) throws -> any ODESolver = { options in
            try EmbeddedRungeKuttaSolver(tableau, options: options)
        }
        return (ContinuousAdjoint(forward: forward, options: options, backward: backward),
                CheckpointedAdjoint(forward: forward, options: options, backward: backward))
    }

    func ownSolver() throws -> any DifferentiableODESolver {
        if let tableau = spec.solver.fixedStepTableau { return try FixedStepSolver(tableau, stepCount: spec.steps) }
        if spec.solver == .kvaerno5 {
            return try Kvaerno5Solver(relativeTolerance: spec.relativeTolerance, absoluteTolerance: spec.absoluteTolerance)
        }
        if spec.solver == .rodas4 {
            return try Rodas4Solver(relativeTolerance: spec.relativeTolerance, absoluteTolerance: spec.absoluteTolerance)
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
