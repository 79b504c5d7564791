// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import GSLBridge

/// `y₀′ = −y₀` next to a fast, uncoupled quadrature `y₁′ = 50·cos(50 t)`
/// (`y₁(t) = sin(50 t)`): nothing depends on `y₁`, but resolving it takes many steps.
private var decayWithFastQuadrature: GSLODESystem {
    GSLODESystem(
        dimension: 2,
        rightHandSide: { t, y in [-y[0], 50 * cos(50 * t)] },
        jacobian: { t, _ in GSLJacobian(stateJacobian: [-1, 0, 0, 0], timeDerivative: [0, -2500 * sin(50 * t)]) })
}

@Test("Unit error weights take exactly GSL's own steps (rkf45, rk8pd, msadams, msbdf)")
func unitWeightsReproduceGSLControl() throws {
    for stepType in [GSLStepType.rkf45, .rk8pd, .msadams, .msbdf] {
        let plain = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: stepType,
                                     relativeTolerance: 1e-7, absoluteTolerance: 1e-9)
        let weighted = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: stepType,
                                        relativeTolerance: 1e-7, absoluteTolerance: 1e-9, errorWeights: [1, 1])
        let expected = try plain.solve(from: 0, to: 6, initial: [1, 0], at: [2, 4, 6])
        let actual = try weighted.solve(from: 0, to: 6, initial: [1, 0], at: [2, 4, 6])
        #expect(actual == expected, "\(stepType)")
        #expect(weighted.errorWeights == [1, 1])
    }
}

@Test("Error weights of 4 take exactly the steps of both tolerances divided by 4")
func weightsScaleTheTolerance() throws {
    let weighted = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkck,
                                    relativeTolerance: 1e-6, absoluteTolerance: 1e-8, errorWeights: [4, 4])
    let tighter = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkck,
                                   relativeTolerance: 1e-6 / 4, absoluteTolerance: 1e-8 / 4)
    let plain = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkck,
                                 relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
    let solution = try weighted.solve(from: 0, to: 5, initial: [1, 0])
    #expect(solution == (try tighter.solve(from: 0, to: 5, initial: [1, 0])))
    #expect(solution.statistics.acceptedSteps > (try plain.solve(from: 0, to: 5, initial: [1, 0])).statistics.acceptedSteps)
}

@Test("A component with weight 0 no longer forces steps: the solve takes exactly the steps of the system without it")
func zeroWeightExcludesComponent() throws {
    let (rtol, atol) = (1e-8, 1e-10)
    let both = try GSLODESolver(system: decayWithFastQuadrature, stepType: .rkf45,
                                relativeTolerance: rtol, absoluteTolerance: atol)
    let seminorm = try GSLODESolver(system: decayWithFastQuadrature, stepType: .rkf45,
                                    relativeTolerance: rtol, absoluteTolerance: atol, errorWeights: [1, 0])
    let alone = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .rkf45,
                                 relativeTolerance: rtol, absoluteTolerance: atol)
    let full = try both.solve(from: 0, to: 2, initial: [1, 0])
    let reduced = try seminorm.solve(from: 0, to: 2, initial: [1, 0])
    let reference = try alone.solve(from: 0, to: 2, initial: [1])

    // The decoupled y₀ sees the same steps as on its own, bit for bit.
    #expect(reduced.statistics.acceptedSteps == reference.statistics.acceptedSteps)
    #expect(reduced.statistics.rejectedSteps == reference.statistics.rejectedSteps)
    #expect(reduced.states[0][0] == reference.states[0][0])
    // The fast y₁ set the step before; now it does not, and is merely less accurate.
    #expect(full.statistics.acceptedSteps > 10 * reduced.statistics.acceptedSteps)
    #expect(abs(full.states[0][1] - sin(100.0)) <= 1e-6)
    #expect(abs(reduced.states[0][0] - exp(-2)) <= 1e-7)
}

@Test("Implicit and multistep steppers accept a zero weight and still solve the tested component to 100·rtol")
func zeroWeightWithIterativeSteppers() throws {
    for stepType in [GSLStepType.msadams, .msbdf, .rk4imp, .bsimp] {
        let solver = try GSLODESolver(system: decayWithFastQuadrature, stepType: stepType,
                                      relativeTolerance: 1e-7, absoluteTolerance: 1e-9, errorWeights: [1, 0])
        let solution = try solver.solve(from: 0, to: 2, initial: [1, 0], at: [1, 2])
        for (time, state) in zip(solution.times, solution.states) {
            #expect(abs(state[0] - exp(-time)) <= 1e-5, "\(stepType) at t = \(time)")
        }
    }
}

@Test("Bad error weights throw before GSL runs: wrong count, negative, NaN, infinite, all zero")
func badErrorWeightsAreRejected() throws {
    func make(_ weights: [Double]) throws {
        _ = try GSLODESolver(system: ReferenceSystems.oscillator, stepType: .rkf45,
                             relativeTolerance: 1e-6, absoluteTolerance: 1e-6, errorWeights: weights)
    }
    #expect(throws: GSLODEError.dimensionMismatch(quantity: "errorWeights", expected: 2, actual: 3)) { try make([1, 1, 1]) }
    #expect(throws: GSLODEError.dimensionMismatch(quantity: "errorWeights", expected: 2, actual: 0)) { try make([]) }
    for weights in [[1, -1], [.nan, 1], [1, .infinity], [0, 0]] {
        #expect(performing: { try make(weights) }, throws: { error in
            guard case let GSLODEError.invalidArgument(reason) = error else { return false }
            return reason.contains("errorWeights")
        })
    }
}
