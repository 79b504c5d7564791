// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// W1 resnet-train-step (and W1b, its plain twin): the cost of one training step
/// of a deep residual MLP, in ResODE and in PyTorch (eager) and JAX (jit).
///
///     F_l(x) = tanh(x·W1_lᵀ + b1_l)·W2_lᵀ + b2_l       (width 32, hidden 64)
///     W1:  x ← x + h·F_l(x),  h = 1/64                 (an explicit Euler step)
///     W1b: x ← F_l(x)
///     loss = 0.5·mean_b Σ_i (x_L − y)²                 (batch 256, 64 blocks, Float64)
///
/// `fwd` is the loss alone (constants, nothing recorded); `fwd_bwd` is the loss
/// and its gradient for all 4·64 parameter arrays. Both are written with the
/// fused ops a user would write (`Variable.linear`, `adding(_:scaledBy:)`). The
/// work is small GEMMs (256×32×64) and an elementwise `tanh`, so the per-op
/// overhead of an autodiff library shows as clearly as its kernels do.
struct ResidualTrainStep: Workload {
    let name: String
    let isResidual: Bool
    /// Block l holds W1_l [64, 32], b1_l [64], W2_l [32, 64], b2_l [32] at 4l … 4l+3.
    let parameters: [Tensor]
    let input: Tensor
    let target: Tensor
    let blockCount: Int
    let stepSize: Double

    var summary: String {
        isResidual ? "residual MLP training step, x ← x + h·F_l(x), 64 blocks, batch 256"
                   : "plain MLP training step, x ← F_l(x), 64 blocks, batch 256"
    }
    let measures = ["fwd", "fwd_bwd"]
    let peerScript = "w1_peers.py"
    let defaultPeers = ["torch-eager", "jax-jit"]

    init(isResidual: Bool, data: BenchmarkData) throws {
        name = isResidual ? "W1" : "W1b"
        self.isResidual = isResidual
        let stacked = try ["w1_W1", "w1_b1", "w1_W2", "w1_b2"].map { try data.array($0) }
        input = try data.array("w1_x")
        target = try data.array("w1_y")
        let blockCount = stacked[0].shape.first ?? 0
        self.blockCount = blockCount
        guard blockCount > 0, stacked.allSatisfy({ $0.shape.first == blockCount }), input.rank == 2,
              target.shape == input.shape else {
            throw BenchmarkError.badInput("W1 inputs: shapes \(stacked.map(\.shape)) x \(input.shape) y \(target.shape) "
                                          + "do not make blocks of one count")
        }
        stepSize = 1 / Double(blockCount)
        var parameters: [Tensor] = []
        for l in 0..<blockCount {
            for array in stacked {
                parameters.append(try array.slice(l..<(l + 1), alongAxis: 0).reshaped(to: Array(array.shape.dropFirst())))
            }
        }
        self.parameters = parameters
    }

    /// The loss as a ResODE user writes it.
    func loss(_ p: [Variable]) throws -> Variable {
        var x = Variable(input)
        for l in 0..<blockCount {
            let a = try Variable.linear(x, weight: p[4 * l], bias: p[4 * l + 1]).tanh()
            let f = try Variable.linear(a, weight: p[4 * l + 2], bias: p[4 * l + 3])
            x = isResidual ? try x.adding(f, scaledBy: stepSize) : f
        }
        return try (x - Variable(target)).square().sum() * (0.5 / Double(input.shape[0]))
    }

    func body(for measure: String) throws -> () throws -> Void {
        switch measure {
        case "fwd": return { _ = try loss(parameters.map(Variable.init)) }
        case "fwd_bwd": return { _ = try valueWithGradient(at: parameters, in: loss) }
        default: throw BenchmarkError.unknownMeasure(workload: name, measure: measure, known: measures)
        }
    }

    /// Only the GEMMs, with W1's shapes and transposes: per block 2 forward
    /// (x·W1ᵀ, a·W2ᵀ) and, for `fwd_bwd`, 4 backward (f̄·W2, f̄ᵀ·a, z̄·W1, z̄ᵀ·x).
    func matrixWorkFloor(for measure: String) -> (() throws -> Void)? {
        guard measures.contains(measure) else { return nil }
        var rng = SeededGenerator(seed: 7)
        let batch = input.shape[0], hidden = parameters[0].shape[0]
        guard let a = try? Tensor.randomNormal([batch, hidden], using: &rng) else { return nil }
        let x = input, withBackward = measure == "fwd_bwd"
        return {
            for l in 0..<blockCount {
                let w1 = parameters[4 * l], w2 = parameters[4 * l + 2]
                _ = try Tensor.matmul(x, w1, transposeB: true)
                _ = try Tensor.matmul(a, w2, transposeB: true)
                if withBackward {
                    _ = try Tensor.matmul(x, w2)
                    _ = try Tensor.matmul(x, a, transposeA: true)
                    _ = try Tensor.matmul(a, w1)
                    _ = try Tensor.matmul(a, x, transposeA: true)
                }
            }
        }
    }
}
