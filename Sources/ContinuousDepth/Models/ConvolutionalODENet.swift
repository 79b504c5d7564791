// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import NetworkLayers
import TensorCore

/// The convolutional ODE-Net of Chen et al. 2018 (§7.1, MNIST), on `C_in × H × W` images:
///
///     stem:      conv 3×3 (C_in → C) → GN → ReLU → conv 4×4 /2 → GN → ReLU → conv 4×4 /2   (H/4 × W/4)
///     ODE block: x(t1) of dx/dt = f(x, t) with the `ConvolutionalVectorField` f, x(0) = stem output
///     head:      GN → ReLU → global average pooling → linear C → classes
/// The block is solved by the solver framework with any `NeuralODESolverChoice` and
/// gradient method: `.backprop` through the own solvers' steps or through GSL's
/// steps replayed on the tape (`GSLReplaySolver`), `.adjoint` (the continuous adjoint, backwards with
/// GSL's rkf45) or `.checkpointed`.
/// Parameter names: `stem.…`, `f.…` (the field's), `head.norm.…`, `fc.…`.
public struct ConvolutionalODENet: DifferentiableModel {
    public let channels: Int
    public let classes: Int
    public let imageShape: [Int]
    public let solver: NeuralODESolverChoice
    public let gradientMethod: NeuralODEGradientMethod
    public let endTime: Double
    public let relativeTolerance: Double
    public let absoluteTolerance: Double
    public let steps: Int
    public var parameters: ParameterList
    /// Function evaluations of every solve (forward and backward).
    public let counter = EvaluationCounter()
    let stem: SequentialLayers
    let field: ConvolutionalVectorField
    let head: SequentialLayers

    /// - Throws: `ContinuousDepthError.invalidArgument`
    ///   for an image smaller than 4×4 or not divisible by 4; `TensorError` for bad channel counts.
    /// - Parameters:
    ///   - inputChannels: the channels of the input images `[N, C, H, W]`.
    ///   - height: the image height `H` in pixels, a multiple of 4.
    ///   - width: the image width `W` in pixels, a multiple of 4.
    ///   - classes: the number of output logits.
    ///   - channels: the feature channels of the stem and the ODE block's field.
    ///   - groups: of every group norm, default min(32, channels) (Chen et al.'s code).
    ///   - solver: the ODE block's solver.
    ///   - gradientMethod: backprop, adjoint or checkpointed; `nil`: the solver's default.
    ///   - endTime: `T`, the ODE block integrates from 0 to `T`.
    ///   - relativeTolerance: rtol of an adaptive solver.
    ///   - absoluteTolerance: atol of an adaptive solver.
    ///   - steps: the step count of a fixed-step solver.
    ///   - seed: the seed of the initial weights.
    public init(inputChannels: Int, height: Int, width: Int, classes: Int, channels: Int = 64, groups: Int? = nil,
                solver: NeuralODESolverChoice = .dormandPrince54, gradientMethod: NeuralODEGradientMethod? = nil,
                endTime: Double = 1, relativeTolerance: Double = 1e-3, absoluteTolerance: Double = 1e-3, steps: Int = 4,
                seed: UInt64) throws {
        guard height >= 4, width >= 4, height % 4 == 0, width % 4 == 0 else {
            throw ContinuousDepthError.invalidArgument("the stem halves the image twice: \(height)×\(width) must be multiples of 4")
        }
        let method: NeuralODEGradientMethod
        if case .gsl = solver { method = gradientMethod ?? .adjoint } else { method = gradientMethod ?? .backprop }
        var g = SeededGenerator(seed: seed)
        let groups = groups ?? Swift.min(32, channels)
        func norm(_ prefix: String) throws -> any Layer {
            let scale = try Tensor.ones([channels]), shift = try Tensor.zeros([channels])
            return try GroupNormalizationLayer(groups: groups, prefix: prefix, scale: scale, shift: shift)
        }
        let relu = FunctionLayer(.relu)
        stem = try SequentialLayers([
            Convolution2DLayer(inputChannels: inputChannels, outputChannels: channels, kernel: ImageSize(3), padding: ImageSize(1),
                               prefix: "stem.conv1.", using: &g),
            norm("stem.norm1."), relu,
            Convolution2DLayer(inputChannels: channels, outputChannels: channels, kernel: ImageSize(4), stride: ImageSize(2),
                               padding: ImageSize(1), prefix: "stem.conv2.", using: &g),
            norm("stem.norm2."), relu,
            Convolution2DLayer(inputChannels: channels, outputChannels: channels, kernel: ImageSize(4), stride: ImageSize(2),
                               padding: ImageSize(1), prefix: "stem.conv3.", using: &g),
        ])
        field = try ConvolutionalVectorField(channels: channels, height: height / 4, width: width / 4, groups: groups, seed: g.next())
        head = try SequentialLayers([norm("head.norm."), relu, FunctionLayer("global average pool") { x, _ in try x.globalAveragePool() },
                                     LinearLayer(inputs: channels, outputs: classes, prefix: "fc.", using: &g)])
        var list = ParameterList()
        for (n, v) in zip(stem.parameters.names, stem.parameters.values) { try list.append(n, v) }
        for (n, v) in zip(field.parameters.names, field.parameters.values) { try list.append("f." + n, v) }
        for (n, v) in zip(head.parameters.names, head.parameters.values) { try list.append(n, v) }
        self.parameters = list
        self.channels = channels
        self.classes = classes
        self.imageShape = [inputChannels, height, width]
        self.solver = solver
        self.gradientMethod = method
        self.endTime = endTime
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.steps = steps
    }

    /// The logits `[N, classes]` for images `[N, C, H, W]` or rows `[N, C·H·W]`.
    public func forward(_ x: Variable, parameters p: [Variable]) throws -> Variable {
        guard p.count == parameters.count else {
            throw ContinuousDepthError.invalidArgument("\(p.count) parameter tensors for \(parameters.count)")
        }
        let flat = imageShape.reduce(1, *)
        let images: Variable
        if x.rank == 2 && x.shape[1] == flat { images = try x.reshaped(to: [x.shape[0]] + imageShape) }
        else if x.rank == 4 && Array(x.shape.dropFirst()) == imageShape { images = x }
        else { throw ContinuousDepthError.invalidArgument("input shape \(x.shape) is neither [N, \(imageShape)] nor [N, \(flat)]") }
        let (s, f) = (stem.parameters.count, field.parameters.count)
        let z0 = try stem.apply(images, parameters: p[0..<s], mode: .evaluation)
        let rows = try z0.reshaped(to: [z0.shape[0], field.dimension])
        let z1 = try solveBlock(rows, Array(p[s..<(s + f)]))
        return try head.apply(z1.reshaped(to: z0.shape), parameters: p[(s + f)...], mode: .evaluation)
    }

    /// `x(t1)` of the ODE block, differentiable by the chosen gradient method.
    func solveBlock(_ x: Variable, _ theta: [Variable]) throws -> Variable {
        let field = try self.field.replacingParameters(theta.map(\.value))
        let tracked = x.isTracked || theta.contains { $0.isTracked }
        if case .gsl(let type) = solver {
            let gsl = try GSLNeuralODESolver(stepType: type, relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance)
                .estimatingInitialStep(for: field, initialState: x.value, from: 0, to: endTime)
            if tracked, gradientMethod == .backprop {
                let replayed = try GSLReplaySolver(gsl).solve(field, initialState: x, parameters: theta, from: 0, to: endTime,
                                                              saving: .times([endTime]))
                counter.addForward(replayed.statistics.functionEvaluations)
                counter.addBackward(replayed.acceptedEvaluations)
                guard let y = replayed.finalState else { throw ContinuousDepthError.invalidArgument("the solve returned no state") }
                return y
            }
            let trajectory = try gsl.solve(field, initialState: x.value, from: 0, to: endTime)
            counter.addForward(trajectory.statistics.functionEvaluations)
            return try tracked ? adjointOperation(x, theta, field, trajectory) : Variable(trajectory.states[trajectory.states.count - 1])
        }
        let own: any DifferentiableODESolver
        if let tableau = solver.fixedStepTableau {
            own = try FixedStepSolver(tableau, stepCount: steps)
        } else if let tableau = solver.adaptiveTableau {
            own = try EmbeddedRungeKuttaSolver(tableau, relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance)
        } else {
            throw ContinuousDepthError.invalidOption(
                name: "solver", reason: "the conv ODE-Net runs on the explicit own schemes and the GSL steppers; got \(solver)")
        }
        if gradientMethod == .backprop || !tracked {
            let trajectory = try own.solve(field, initialState: x, parameters: theta, from: 0, to: endTime, saving: .times([endTime]))
            counter.addForward(trajectory.statistics.functionEvaluations)
            if tracked { counter.addBackward(trajectory.acceptedEvaluations) }
            guard let y = trajectory.finalState else { throw ContinuousDepthError.invalidArgument("the solve returned no state") }
            return y
        }
        let trajectory = try own.solve(field, initialState: x.value, from: 0, to: endTime)
        counter.addForward(trajectory.statistics.functionEvaluations)
        return try adjointOperation(x, theta, field, trajectory)
    }

    /// The solve as one operation whose pullback is the continuous (or checkpointed) adjoint.
    func adjointOperation(_ x: Variable, _ theta: [Variable], _ field: ConvolutionalVectorField,
                          _ trajectory: Trajectory) throws -> Variable {
        let adjointSolver = try GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: relativeTolerance,
                                                   absoluteTolerance: absoluteTolerance)
            .estimatingInitialStep(for: field, initialState: x.value, from: 0, to: endTime)
        let (method, counter, t1, x0) = (gradientMethod, counter, endTime, x.value)
        return try Variable.customOperation(trajectory.states[trajectory.states.count - 1], inputs: [x] + theta,
                                            name: "ConvolutionalODEBlock") { ybar in
            if method == .checkpointed {
                let g = try CheckpointedAdjoint(solver: adjointSolver).gradient(
                    of: field, initialState: x0, from: 0, observationTimes: [t1]) { states in try (states[0] * Variable(ybar)).sum() }
                counter.addBackward(g.backward.functionEvaluations)
                return [g.initialState] + g.parameters
            }
            let s = try ContinuousAdjoint(solver: adjointSolver).backpropagate([ybar], through: trajectory, of: field, from: 0)
            counter.addBackward(s.statistics.functionEvaluations)
            return [s.initialState] + s.parameters
        }
    }
}
