// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import NetworkLayers
import Testing
import TensorCore
import TestSupport

@Suite("Checkpointed stiff adjoint: Kvaerno5 both ways, one interval's dense output at a time")
struct CheckpointedStiffAdjointTests {
    /// `f(x, t; θ) = A·(x − g(t)) + MLP(x, t; θ)`, `A` with eigenvalues −1 and −1000 (stiff),
    /// `g(t) = forcing·(sin 3t, cos 3t)` (0: none), `d = 2`, hidden 4.
    static func field(weights: [Tensor]? = nil, forcing: Double = 0) throws -> ClosureVectorField {
        let linear = try StiffReferenceProblems.Linear(eigenvalues: [-1, -1000])
        let mlp = try MLPField(dimension: 2, hidden: 4, usesTime: true)
        let initial = try NeuralVectorField(field: mlp, seed: 5)
        let parameters = try ParameterList(names: initial.parameters.names, values: weights ?? initial.parameters.values)
        return ClosureVectorField(dimension: 2, parameters: parameters) { x, t, theta in
            var shifted = x
            if forcing != 0 {
                let row = [forcing * sin(3 * t), forcing * cos(3 * t)]
                let g = try Tensor(shape: x.shape, scalars: (0..<x.shape[0]).flatMap { _ in row })
                shifted = try x - Variable(g)
            }
            return try linear.field(shifted) + mlp(x, time: t, parameters: theta[...])
        }
    }

    /// Several observation times on [0, 2] (most fall inside checkpoint intervals).
    static let times = [0.3, 0.55, 1.0, 1.7, 2.0]
    static let weights = [1.0, -0.5, 2.0, 0.75, -1.0]

    static func loss(_ states: [Variable]) throws -> Variable {
        var total = Variable(Tensor(0))
        for (w, state) in zip(weights, states) { total = try total + (try (state * state).sum()).scaled(by: 0.5 * w) }
        return total
    }

    /// The loss on a Kvaerno5 solve at tolerances 1e-11, far below the ones tested.
    static func referenceLoss(inputs: [Tensor]) throws -> Double {
        let field = try Self.field(weights: Array(inputs.dropFirst()))
        let solver = try Kvaerno5Solver(relativeTolerance: 1e-11, absoluteTolerance: 1e-11)
        let trajectory = try solver.solve(field, initialState: inputs[0], from: 0, to: 2, at: times)
        return try zip(weights, trajectory.states).reduce(0) { $0 + $1.0 * 0.5 * (try $1.1.dot($1.1)) }
    }

    /// Directional central differences of `referenceLoss` (ε = 1e-4: the reference solve's
    /// step-selection noise, ~1e-11/ε, and the O(ε²) truncation both stay near 1e-7) along a
    /// random direction in `x₀` and in each weight: each checks a whole gradient block in two solves.
    static func directionalDifferences(field: ClosureVectorField, x0: Tensor) throws
        -> (directions: [Tensor], derivatives: [Double]) {
        var generator = SeededGenerator(seed: 99)
        let inputs = [x0] + field.parameters.values
        let directions = try inputs.map { try Tensor.randomNormal($0.shape, using: &generator) }
        let derivatives = try inputs.indices.map { k in
            let epsilon = 1e-4
            var up = inputs, down = inputs
            up[k] = try inputs[k] + directions[k] * epsilon
            down[k] = try inputs[k] - directions[k] * epsilon
            return (try referenceLoss(inputs: up) - referenceLoss(inputs: down)) / (2 * epsilon)
        }
        return (directions, derivatives)
    }

    static func flattened(_ g: ODEGradient) throws -> Tensor {
        try Tensor.concatenate(([g.initialState] + g.parameters).map { try $0.reshaped(to: [-1]) })
    }

    @Test("With N = 1 the checkpointed adjoint re-solves the whole span and reproduces StiffAdjoint's gradient bit for bit")
    func oneCheckpointIsStiffAdjoint() throws {
        let options = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
        let field = try Self.field()
        let x0 = try StiffProblems.states(count: 3, dimension: 2, seed: 4)
        let whole = try StiffAdjoint(options: options).gradient(
            of: field, initialState: x0, from: 0, observationTimes: Self.times, loss: Self.loss)
        let checkpointed = try CheckpointedStiffAdjoint(options: options, checkpointCount: 1).gradient(
            of: field, initialState: x0, from: 0, observationTimes: Self.times, loss: Self.loss)
        #expect(checkpointed.loss == whole.loss)
        #expect(try Self.flattened(checkpointed).scalars == (try Self.flattened(whole)).scalars)
    }

    @Test("From rtol 1e-5 to 1e-7 the error to central differences is at most 30·rtol and shrinking, the difference to StiffAdjoint at most 30·rtol")
    func agreesWithFiniteDifferencesAndStiffAdjoint() throws {
        let field = try Self.field()
        let x0 = try StiffProblems.states(count: 3, dimension: 2, seed: 4)
        let (directions, reference) = try Self.directionalDifferences(field: field, x0: x0)
        // Measured (max over blocks): the checkpointed adjoint 1.0e-4 at rtol 1e-5, 7.1e-6 at 1e-6,
        // 1.3e-7 at 1e-7. StiffAdjoint with the seminorm was 2.8e-3, 2.3e-4, 6.6e-6 on its parameter
        // blocks (long backward steps across the transient); with the full norm, now the default
        // of both, the two agree to within a few rtol (StiffAdjointErrorNormTests).
        var previous: Double?
        for rtol in [1e-5, 1e-6, 1e-7] {
            let options = try SolverOptions(relativeTolerance: rtol, absoluteTolerance: rtol)
            let result = try CheckpointedStiffAdjoint(options: options, checkpointCount: 4).measuredGradient(
                of: field, initialState: x0, from: 0, observationTimes: Self.times, loss: Self.loss)
            let g = result.gradient
            let whole = try StiffAdjoint(options: options).gradient(
                of: field, initialState: x0, from: 0, observationTimes: Self.times, loss: Self.loss)
            let projected = try zip([g.initialState] + g.parameters, directions).map { try $0.dot($1) }
            let errorToDifferences = zip(projected, reference).map { abs($0 - $1) / max(abs($1), 1e-300) }.max() ?? 0
            let flat = try Self.flattened(g), wholeFlat = try Self.flattened(whole)
            let errorToWhole = try (flat - wholeFlat).l2Norm() / wholeFlat.l2Norm()
            #expect(errorToDifferences <= 30 * rtol, "rtol \(rtol): directional error to central differences \(errorToDifferences)")
            #expect(errorToWhole <= 30 * rtol, "rtol \(rtol): relative difference to StiffAdjoint \(errorToWhole)")
            if let previous {
                #expect(errorToDifferences < previous, "rtol \(rtol): no gain over \(previous)")
            }
            previous = errorToDifferences
            // The backward statistics include the re-solves.
            #expect(result.backward.acceptedSteps > result.forward.acceptedSteps)
            #expect(result.storedStateCount >= 4 && result.storedStateCount <= 7)
        }
    }

    @Test("Held dense output: StiffAdjoint's is all S forward steps; the checkpointed one's at most about 2S/(2N − 1)")
    func memoryIsOneInterval() throws {
        let options = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
        let field = try Self.field(forcing: 1)
        let x0 = try StiffProblems.states(count: 2, dimension: 2, seed: 6)
        let n = 4
        var wholePieces: [Int] = []
        for span in [2.0, 4.0] {
            // The stiff transient crowds steps near t = 0; the forcing keeps them coming after it.
            let times = stride(from: 0.375, to: span, by: 0.375).map { $0 } + [span]
            let loss = { (states: [Variable]) throws -> Variable in
                try states.reduce(Variable(Tensor(0))) { try $0 + (try ($1 * $1).sum()) }
            }
            let whole = try StiffAdjoint(options: options).measuredGradient(
                of: field, initialState: x0, from: 0, observationTimes: times, loss: loss)
            let checkpointed = try CheckpointedStiffAdjoint(options: options, checkpointCount: n)
                .measuredGradient(of: field, initialState: x0, from: 0, observationTimes: times, loss: loss)
            #expect(whole.largestDenseOutputPieceCount == whole.forward.acceptedSteps)
            #expect(checkpointed.storedStateCount >= n && checkpointed.storedStateCount <= 2 * n - 1)
            // An interval spans M ≤ 2S/(2N − 1) forward steps; its re-solve may take a few more.
            let bound = 2 * Double(checkpointed.forward.acceptedSteps) / Double(2 * n - 1)
            #expect(Double(checkpointed.largestDenseOutputPieceCount) <= 1.25 * bound + 2,
                    "span \(span): \(checkpointed.largestDenseOutputPieceCount) pieces held, bound \(bound)")
            wholePieces.append(whole.largestDenseOutputPieceCount)
        }
        #expect(Double(wholePieces[1]) >= 1.5 * Double(wholePieces[0]), "\(wholePieces)")
    }

    @Test("N = 0 and N above the step limit are refused by a typed error naming checkpointCount")
    func badCheckpointCount() throws {
        let options = try SolverOptions(relativeTolerance: 1e-6, absoluteTolerance: 1e-6, maximumSteps: 50)
        for count in [0, -3, 51] {
            #expect {
                _ = try CheckpointedStiffAdjoint(options: options, checkpointCount: count)
            } throws: { error in
                guard case ContinuousDepthError.invalidOption(let name, let reason) = error else { return false }
                return name == "checkpointCount" && reason.contains("\(count)")
            }
        }
    }

    @Test("NeuralODEBlock with kvaerno5 or rodas4 and .checkpointed gives .adjoint's gradient within 100·rtol",
          arguments: ["kvaerno5", "rodas4"])
    func blockCheckpointedMatchesAdjoint(solver: String) throws {
        let rtol = 1e-7
        var generator = SeededGenerator(seed: 17)
        let x = try Tensor.randomNormal([3, 2], using: &generator)
        func gradient(_ method: NeuralODEGradientMethod) throws -> Tensor {
            let spec = try NeuralODESpec(dimension: 2, hidden: 5, endTime: 2, solver: NeuralODESolverChoice(name: solver),
                                         relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2, gradient: method)
            let block = try NeuralODEBlock(spec: spec, seed: 8)
            let (_, g) = try valueWithGradient(at: [x] + block.parameters.values) { v in
                try (block.forward(v[0], parameters: Array(v[1...])).square()).sum() * 0.5
            }
            #expect(block.counter.backward > 0)
            return try Tensor.concatenate(g.map { try $0.reshaped(to: [-1]) })
        }
        let adjoint = try gradient(.adjoint), checkpointed = try gradient(.checkpointed)
        let difference = try checkpointed.relativeDifference(to: adjoint)
        #expect(difference <= 100 * rtol, "\(solver): relative difference \(difference)")
        #expect(difference > 0, "\(solver): the checkpointed gradient should come from its own re-solves")
    }
}
