// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// One depth of the long-skip study: path lengths and input-gradient norms of a U-Net-style
/// network with its long skips and of the same weights without them (a plain chain).
public struct LongSkipMeasurement: Sendable, Equatable {
    /// `n`, encoder levels.
    public let levels: Int
    /// `2n`, nonlinear blocks in the network.
    public let blockCount: Int
    /// Fewest nonlinear blocks from input to output with long skips (2 at every depth).
    public let shortestPathWithSkips: Int
    /// Fewest nonlinear blocks from input to output without skips (`2n`).
    public let shortestPathWithoutSkips: Int
    /// `‖∂ℓ/∂x‖` with long skips.
    public let inputGradientNormWithSkips: Double
    /// `‖∂ℓ/∂x‖` without skips, same weights.
    public let inputGradientNormWithoutSkips: Double
}

/// Long skips keep the gradient path short as depth grows: in a U-Net-style network the
/// shortest input–output path passes 2 blocks at every depth, while a plain chain's passes
/// all `2n`, and the input gradient of the plain chain, a product of `2n` block Jacobians,
/// decays geometrically with depth.
///
/// The loss is a fixed random linear probe of the output, `ℓ = ⟨y, r⟩ / batch`, so
/// `∂ℓ/∂x = (∂y/∂x)ᵀ r / batch`: the input gradient measures the network's Jacobian.
///
/// Reference: Ronneberger, Fischer & Brox (MICCAI 2015); Drozdzal et al. (DLMIA 2016); Papers/unet-long-skips.
public enum LongSkipStudy {
    /// Measures every depth in `levels`, with inputs `x` and probe `r` (`[batch, width]`, standard
    /// normal) and weights all drawn from `seed`.
    /// - Throws: `AnalysisError.invalidArgument` for a width, batch or level below 1.
    public static func measure(levels: [Int], width: Int, batch: Int, seed: UInt64) throws -> [LongSkipMeasurement] {
        guard width >= 1 else { throw AnalysisError.invalidArgument(name: "width", value: "\(width)", reason: "must be ≥ 1") }
        guard batch >= 1 else { throw AnalysisError.invalidArgument(name: "batch", value: "\(batch)", reason: "must be ≥ 1") }
        var generator = SeededGenerator(seed: seed)
        let x = try Tensor.randomNormal([batch, width], using: &generator)
        let probe = Variable(try Tensor.randomNormal([batch, width], using: &generator) / Double(batch))
        return try levels.map { n in
            let withSkips = try LongSkipNetwork(width: width, levels: n, hasLongSkips: true, seed: seed &+ UInt64(n))
            let withoutSkips = withSkips.withLongSkips(false)
            func inputGradientNorm(_ model: LongSkipNetwork) throws -> Double {
                let constants = model.parameters.values.map { Variable($0) }
                return try gradient(at: x) { try (model.forward($0, parameters: constants) * probe).sum() }.l2Norm()
            }
            return LongSkipMeasurement(
                levels: n, blockCount: 2 * n,
                shortestPathWithSkips: try withSkips.computationGraph.shortestInputOutputPath ?? -1,
                shortestPathWithoutSkips: try withoutSkips.computationGraph.shortestInputOutputPath ?? -1,
                inputGradientNormWithSkips: try inputGradientNorm(withSkips),
                inputGradientNormWithoutSkips: try inputGradientNorm(withoutSkips))
        }
    }
}
