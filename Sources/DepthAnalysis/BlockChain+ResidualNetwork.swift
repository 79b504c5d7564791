// SPDX-License-Identifier: GPL-3.0-or-later
import RungeKuttaMethods
import TensorCore
import ResidualNets

extension BlockChain {
    /// The blocks of a residual network or its plain twin, with the network's current weights.
    ///
    ///     euler:   F_l(x) = MLP_l(x, t_l)                      x_{l+1} = x_l + h·F_l(x_l)
    ///     heun, midpoint, rk4:  F_l = Φ_l, the increment function of the step,
    ///              Φ_l(x) = (RK-step_l(x) − x)/h, so that x_{l+1} = x_l + h·Φ_l(x_l)
    ///     plain:   F_l(x) = MLP_l(x, t_l)                      x_{l+1} = F_l(x_l)
    ///
    /// with `t_l = l·h`. For Euler blocks the chain reproduces `network.forward` to rounding;
    /// for higher-order blocks to a few ulps (the increment is divided by `h` and multiplied back).
    /// - Throws: the network's own errors if its spec is invalid.
    public init(_ network: ResidualNetwork) throws {
        let spec = network.spec
        let field = try spec.field
        let h = spec.stepSize
        let values = network.parameters.values
        var blocks: [NetworkBlock] = []
        blocks.reserveCapacity(spec.depth)
        for l in 0..<spec.depth {
            let base = spec.tied ? 0 : 4 * l
            let weights = Array(values[base..<(base + 4)])
            let t = Double(l) * h
            let blockField: BlockField
            switch (spec.kind, spec.scheme) {
            case (.plain, _), (.resnet, .euler):
                blockField = { x in try field(x, time: t, parameters: ArraySlice(weights.map { Variable($0) })) }
            case (.resnet, let scheme):
                let tableau = scheme.tableau
                blockField = { x in
                    let theta = ArraySlice(weights.map { Variable($0) })
                    let next = try RungeKuttaStep(tableau, field: { y, s in try field(y, time: s, parameters: theta) },
                                                  at: t, from: x, by: h).y
                    return try (next - x).scaled(by: 1 / h)
                }
            }
            blocks.append(try NetworkBlock(field: blockField, stepSize: h, hasSkip: spec.kind == .resnet))
        }
        self.init(blocks: blocks)
    }

    /// The blocks of an antisymmetric (stable) network:
    ///
    ///     F_l(x) = σ(x·K_lᵀ + b_l),   K_l = W_l − W_lᵀ − γI,   x_{l+1} = x_l + h·F_l(x_l)
    ///
    /// Reference: Haber & Ruthotto, Inverse Problems 34 (2017), eq. (3.4).
    public init(_ network: AntisymmetricNetwork) throws {
        let values = network.parameters.values
        var blocks: [NetworkBlock] = []
        for l in 0..<network.depth {
            let kernel = try network.stabilizedWeight(Variable(values[2 * l])).value
            let bias = values[2 * l + 1]
            let activation = network.activation
            blocks.append(try NetworkBlock(field: { x in try activation(Variable.linear(x, weight: Variable(kernel), bias: Variable(bias))) },
                                           stepSize: network.stepSize, hasSkip: true))
        }
        self.init(blocks: blocks)
    }
}
