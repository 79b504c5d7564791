// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore

/// Training-mode batch norm and relu have two backward forms: fused C passes for a plain
/// backward pass, and variable operations when the backward pass is itself recorded
/// (`createGraph`, for Hessian–vector products). Both must give the same cotangents.
@Suite("Fused backward passes equal their recorded forms")
struct FusedBackwardTests {
    @Test("batch norm → relu: the fused pullbacks equal the recorded ones to 1e-13", arguments: [[4, 3, 5, 2], [6, 4]])
    func fusedEqualsRecorded(_ shape: [Int]) throws {
        var rng = SeededGenerator(seed: 31)
        let x = try Tensor.randomNormal(shape, using: &rng)
        let scale = try Tensor.randomNormal([shape[1]], using: &rng)
        let shift = try Tensor.randomNormal([shape[1]], using: &rng)
        let seed = try Tensor.randomNormal(shape, using: &rng)
        let tape = Tape()
        let inputs = [try tape.variable(x), try tape.variable(scale), try tape.variable(shift)]
        let y = try Variable.batchNormalization(inputs[0], scale: inputs[1], shift: inputs[2]).output.relu()
        let fused = try tape.pullback(of: y, seed: seed, to: inputs)
        let recorded = try tape.pullback(of: y, seed: seed, to: inputs, createGraph: true)
        for (k, (a, b)) in zip(fused, recorded).enumerated() {
            let difference = try a.value.relativeDifference(to: b.value)
            #expect(difference <= 1e-13, "input \(k): relative difference \(difference)")
        }
        // The relu must have cut some of the cotangent, or the test would not reach its mask.
        #expect(y.value.scalars.contains(0))
    }
}
