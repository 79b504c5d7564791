// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

extension ResidualTrainStep {
    /// Checks our loss and gradients three ways: the `fwd` loss equals the
    /// `fwd_bwd` one; a central difference along a random direction v,
    /// (L(θ+εv) − L(θ−εv))/2ε, matches ⟨∇L, v⟩; and, given a Python, the loss and
    /// all gradients match the hand-written NumPy backward of the peer script
    /// (relative 2-norm of the difference of the concatenated gradients).
    func verify(peers: PeerProcess?) throws -> [String] {
        let (value, gradients) = try valueWithGradient(at: parameters, in: loss)
        let forwardValue = try loss(parameters.map(Variable.init)).value.scalar ?? .nan
        var lines = [String(format: "%@ loss %.17g; fwd loss differs by %.1e (relative)",
                            name, value, Swift.abs(forwardValue - value) / Swift.abs(value))]

        var rng = SeededGenerator(seed: 11)
        let directions = try parameters.map { try Tensor.randomNormal($0.shape, using: &rng) }
        let epsilon = 1e-6
        func shiftedLoss(_ sign: Double) throws -> Double {
            let shifted = try zip(parameters, directions).map { try $0.adding($1, scaledBy: sign * epsilon) }
            return try loss(shifted.map(Variable.init)).value.scalar ?? .nan
        }
        let centralDifference = (try shiftedLoss(1) - shiftedLoss(-1)) / (2 * epsilon)
        let directional = try zip(gradients, directions).reduce(0) { $0 + (try $1.0.dot($1.1)) }
        lines.append(String(format: "%@ ⟨∇L, v⟩ = %.12g vs central difference %.12g: relative difference %.1e (ε = 1e-6)",
                            name, directional, centralDifference,
                            Swift.abs(directional - centralDifference) / Swift.abs(directional)))

        guard let peers else {
            lines.append("\(name) NumPy reference: skipped (needs --peers)")
            return lines
        }
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("resode-bench-\(name)-\(ProcessInfo.processInfo.processIdentifier).npz")
        defer { try? FileManager.default.removeItem(at: file) }
        _ = try peers.run(script: peerScript, arguments: ["--impl", "numpy", "--measure", "fwd_bwd", "--workload", name,
                                                         "--runs", "1", "--warmup", "0", "--save-gradients", file.path])
        let reference = try NumPy.readArchive(from: file)
        var ours: [Tensor] = [], theirs: [Tensor] = []
        for (k, key) in ["W1", "b1", "W2", "b2"].enumerated() {
            guard let stacked = reference[key] else { throw BenchmarkError.badInput("\(file.path) has no array \(key)") }
            for l in 0..<blockCount {
                ours.append(try gradients[4 * l + k].reshaped(to: [gradients[4 * l + k].count]))
            }
            theirs.append(try stacked.reshaped(to: [stacked.count]))
        }
        let referenceLoss = reference["loss"]?.scalar ?? .nan
        let gradientDifference = try Tensor.concatenate(ours).relativeDifference(to: Tensor.concatenate(theirs))
        lines.append(String(format: "%@ vs NumPy reference: loss %.1e, gradients %.1e (relative 2-norm over %d numbers)",
                            name, Swift.abs(value - referenceLoss) / Swift.abs(referenceLoss), gradientDifference,
                            ours.reduce(0) { $0 + $1.count }))
        return lines
    }
}
