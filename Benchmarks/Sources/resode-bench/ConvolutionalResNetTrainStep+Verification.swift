// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

extension ConvolutionalResNetTrainStep {
    /// Checks our loss and gradients: a central difference along a random direction v,
    /// (L(θ+εv) − L(θ−εv))/2ε, against ⟨∇L, v⟩; and, given a Python, the loss and every
    /// parameter's gradient against each peer's (PyTorch's and JAX's), as the relative
    /// difference of the losses and the relative 2-norm of the difference of all gradients.
    func verify(peers: PeerProcess?) throws -> [String] {
        let parameters = model.parameters.values
        let (value, gradients) = try valueWithGradient(at: parameters, in: loss)
        var lines = [String(format: "W5 loss %.17g (%d parameter arrays)", value, parameters.count)]

        var rng = SeededGenerator(seed: 13)
        let directions = try parameters.map { try Tensor.randomNormal($0.shape, using: &rng) }
        let epsilon = 1e-6
        func shiftedLoss(_ sign: Double) throws -> Double {
            let shifted = try zip(parameters, directions).map { try $0.adding($1, scaledBy: sign * epsilon) }
            return try loss(shifted.map(Variable.init)).value.scalar ?? .nan
        }
        let centralDifference = (try shiftedLoss(1) - shiftedLoss(-1)) / (2 * epsilon)
        let directional = try zip(gradients, directions).reduce(0) { $0 + (try $1.0.dot($1.1)) }
        lines.append(String(format: "W5 ⟨∇L, v⟩ = %.12g vs central difference %.12g: relative difference %.1e (ε = 1e-6)",
                            directional, centralDifference, Swift.abs(directional - centralDifference) / Swift.abs(directional)))

        guard let peers else {
            lines.append("W5 peer comparison: skipped (needs --peers)")
            return lines
        }
        let ours = try Tensor.concatenate(gradients.map { try $0.reshaped(to: [$0.count]) })
        for implementation in defaultPeers {
            let file = FileManager.default.temporaryDirectory
                .appendingPathComponent("resode-bench-W5-\(implementation)-\(ProcessInfo.processInfo.processIdentifier).npz")
            defer { try? FileManager.default.removeItem(at: file) }
            _ = try peers.run(script: peerScript, arguments: ["--impl", implementation, "--measure", "fwd_bwd", "--workload", name,
                                                             "--runs", "1", "--warmup", "0", "--save-gradients", file.path])
            let reference = try NumPy.readArchive(from: file)
            var theirs: [Tensor] = []
            for (key, gradient) in zip(model.parameters.names, gradients) {
                guard let g = reference[key] else { throw BenchmarkError.badInput("\(implementation) gradients have no array \(key)") }
                guard g.count == gradient.count else {
                    throw BenchmarkError.badInput("\(implementation) gradient \(key) has shape \(g.shape), ours \(gradient.shape)")
                }
                theirs.append(try g.reshaped(to: [g.count]))
            }
            let peerLoss = reference["loss"]?.scalar ?? .nan
            lines.append(String(format: "W5 vs %@: loss %.1e, gradients %.1e (relative 2-norm over %d numbers)",
                                implementation, Swift.abs(value - peerLoss) / Swift.abs(peerLoss),
                                try ours.relativeDifference(to: Tensor.concatenate(theirs)), ours.count))
        }
        return lines
    }
}
