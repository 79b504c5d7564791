// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import GSLBridge
import Testing
import TensorCore
import TestSupport

@Test("The spec's 'gradient' field: parsed, written back, defaulted per solver, and a bad value names the field")
func specGradientField() throws {
    let json = #"{"model": "node", "dim": 2, "hidden": 4, "solver": "rkck", "gradient": "checkpointed"}"#
    let spec = try NeuralODESpec.decode(json: Data(json.utf8))
    #expect(spec.gradient == .checkpointed && spec.gradientMethod == .checkpointed)
    #expect(try NeuralODESpec.decode(json: spec.encodedJSON()) == spec)
    #expect(try NeuralODESpec(dimension: 2, hidden: 4, solver: .gsl(.rkf45)).gradientMethod == .adjoint)
    #expect(try NeuralODESpec(dimension: 2, hidden: 4, solver: .tsitouras54).gradientMethod == .backprop)
    #expect {
        _ = try NeuralODESpec.decode(json: Data(#"{"model": "node", "dim": 2, "hidden": 4, "gradient": "magic"}"#.utf8))
    } throws: { error in
        "\(error)".contains("'gradient'") && "\(error)".contains("magic")
    }
}

/// One solver of the matrix below: the tolerance it runs at (the step count for the
/// fixed-step schemes) and the bound on the relative difference between its gradient
/// methods. Backprop differentiates the discrete solution, the adjoints integrate the
/// continuous adjoint, so they differ by the solver's error at that tolerance: `100·rtol`
/// for the adaptive methods of order ≥ 2, `300·rtol` for GSL's variable-order multistep
/// ones (measured 84·rtol); `O(h)` for Euler (`h = 1/steps`; measured 5.2e-5 at
/// h = 1/4096), `O(√rtol)` for rk1imp (local control of a first-order error;
/// measured 6.6e-4 at rtol 1e-5). On a fixed grid Heun's and RK4's adjoint
/// is nearly their discrete adjoint (measured 4e-11 and 5e-12). bsimp's error does not follow
/// `rtol` (~1e-13 per step); its adjoint runs backwards with rkf45 at `rtol`.
struct BlockGradientCase: Sendable, CustomTestStringConvertible {
    let solver: String
    let rtol: Double
    let steps: Int
    let bound: Double
    var testDescription: String { solver }

    static let all: [BlockGradientCase] = [
        .init(solver: "euler", rtol: 1e-7, steps: 4096, bound: 5e-4),
        .init(solver: "heun", rtol: 1e-7, steps: 512, bound: 1e-9),
        .init(solver: "rk4-fixed", rtol: 1e-7, steps: 64, bound: 1e-10),
        .init(solver: "heun-euler", rtol: 1e-6, steps: 0, bound: 1e-4),
        .init(solver: "bosh3", rtol: 1e-7, steps: 0, bound: 1e-5),
        .init(solver: "dopri5", rtol: 1e-7, steps: 0, bound: 1e-5),
        .init(solver: "tsit5", rtol: 1e-7, steps: 0, bound: 1e-5),
        .init(solver: "dopri8", rtol: 1e-7, steps: 0, bound: 1e-5),
        .init(solver: "kvaerno5", rtol: 1e-7, steps: 0, bound: 1e-5),
        .init(solver: "rodas4", rtol: 1e-7, steps: 0, bound: 1e-5),
    ] + ["rk2", "rk4", "rkf45", "rkck", "rk8pd", "rk2imp", "rk4imp"].map {
        .init(solver: $0, rtol: 1e-7, steps: 0, bound: 1e-5)
    } + [
        .init(solver: "msadams", rtol: 1e-7, steps: 0, bound: 3e-5),
        .init(solver: "msbdf", rtol: 1e-7, steps: 0, bound: 3e-5),
        .init(solver: "rk1imp", rtol: 1e-5, steps: 0, bound: 3e-3),
        .init(solver: "bsimp", rtol: 1e-7, steps: 0, bound: 1e-5),
    ]
}

@Test("The gradient matrix covers every solver: the own schemes, the stiff ones and every GSL stepper")
func everySolverIsInTheGradientMatrix() throws {
    let names = Set(BlockGradientCase.all.map(\.solver))
    let solvers = NeuralODESolverChoice.ownSchemes + NeuralODESolverChoice.implicitSchemes
        + GSLStepType.allCases.map { NeuralODESolverChoice.gsl($0) }
    for choice in solvers { #expect(names.contains(choice.description), "\(choice) is not tested") }
}

@Test("Through NeuralODEBlock, on every solver, backprop, the adjoint and the checkpointed adjoint agree within the solver's error",
      arguments: BlockGradientCase.all)
func blockGradientMethodsAgree(_ testCase: BlockGradientCase) throws {
    var generator = SeededGenerator(seed: 7)
    let x = try Tensor.randomNormal([4, 2], using: &generator)
    func gradient(_ method: NeuralODEGradientMethod) throws -> Tensor {
        let spec = try NeuralODESpec(dimension: 2, hidden: 6, solver: NeuralODESolverChoice(name: testCase.solver),
                                     relativeTolerance: testCase.rtol, absoluteTolerance: testCase.rtol * 1e-2,
                                     steps: Swift.max(testCase.steps, 1), gradient: method)
        let block = try NeuralODEBlock(spec: spec, seed: 3)
        let (_, g) = try valueWithGradient(at: [x] + block.parameters.values) { v in
            try (block.forward(v[0], parameters: Array(v[1...])).square()).sum() * 0.5
        }
        #expect(block.counter.backward > 0)
        return try Tensor.concatenate(g.map { try $0.reshaped(to: [-1]) })
    }
    let backprop = try gradient(.backprop)
    for method in [NeuralODEGradientMethod.adjoint, .checkpointed] {
        let difference = try gradient(method).relativeDifference(to: backprop)
        print("block gradient \(testCase.solver) \(method) vs backprop: \(difference)")
        #expect(difference <= testCase.bound, "\(testCase.solver) \(method): \(difference)")
    }
}
