// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import TensorCore

/// A small U-Net-style network on vectors: `n` encoder blocks, `n` decoder blocks, and
/// long skips from each encoder level to the decoder block of the same level.
///
///     e_0 = x,       e_{i+1} = σ(e_i·E_iᵀ + a_i)                       i = 0, …, n−1
///     u_n = e_n,     u_i     = σ([u_{i+1}, s_{i+1}]·D_iᵀ + c_i)         i = n−1, …, 0
///     y = u_0,       s_{i+1} = e_{i+1} (long skip)  or  0 (no skip: a plain chain of 2n blocks)
///
/// Every block is plain (no residual identity). Parameters `encoder.{i}.weight` [d, d],
/// `encoder.{i}.bias` [d], `decoder.{i}.weight` [d, 2d], `decoder.{i}.bias` [d], PyTorch-default
/// initialisation U(−1/√fan_in, 1/√fan_in). With and without skips the weights are the same,
/// so the two differ only in the skips. The path `x → E_0 → D_0 → y` has 2 blocks at every
/// depth; without skips the only path has `2n`.
///
/// Reference: Ronneberger, Fischer & Brox, "U-Net" (MICCAI 2015), Fig. 1; Papers/unet-long-skips.
public struct LongSkipNetwork: DifferentiableModel, Equatable {
    /// `d`, the width of every state.
    public let width: Int
    /// `n`, the number of encoder (and of decoder) blocks.
    public let levels: Int
    /// Whether the long skips `e_{i+1} → D_i` are present.
    public let hasLongSkips: Bool
    /// `σ`.
    public let activation: Activation
    /// `encoder.*` then `decoder.*`, level by level (weight, bias).
    public var parameters: ParameterList

    /// - Throws: `AnalysisError.invalidArgument` for `width < 1` or `levels < 1`.
    public init(width: Int, levels: Int, hasLongSkips: Bool, activation: Activation = .tanh, seed: UInt64) throws {
        guard width >= 1 else { throw AnalysisError.invalidArgument(name: "width", value: "\(width)", reason: "must be ≥ 1") }
        guard levels >= 1 else { throw AnalysisError.invalidArgument(name: "levels", value: "\(levels)", reason: "must be ≥ 1") }
        self.width = width
        self.levels = levels
        self.hasLongSkips = hasLongSkips
        self.activation = activation
        var generator = SeededGenerator(seed: seed)
        var list = ParameterList()
        for (part, fanIn) in [("encoder", width), ("decoder", 2 * width)] {
            let k = 1 / Double(fanIn).squareRoot()
            for i in 0..<levels {
                try list.append("\(part).\(i).weight", Tensor.randomUniform([width, fanIn], low: -k, high: k, using: &generator))
                try list.append("\(part).\(i).bias", Tensor.randomUniform([width], low: -k, high: k, using: &generator))
            }
        }
        parameters = list
    }

    /// The same weights with the long skips switched on or off.
    public func withLongSkips(_ on: Bool) -> LongSkipNetwork {
        LongSkipNetwork(width: width, levels: levels, hasLongSkips: on, activation: activation, parameters: parameters)
    }

    /// `y = u_0` for inputs `x [batch, d]`, parameters in `parameters.names` order.
    public func forward(_ x: Variable, parameters p: [Variable]) throws -> Variable {
        guard p.count == 4 * levels else {
            throw AnalysisError.invalidArgument(name: "parameters", value: "\(p.count) tensors", reason: "the model has \(4 * levels)")
        }
        guard x.rank == 2, x.shape[1] == width else {
            throw AnalysisError.shapeMismatch(what: "the input", expected: [x.shape.first ?? 1, width], got: x.shape)
        }
        var encoded = [x]
        for i in 0..<levels {
            encoded.append(try activation(Variable.linear(encoded[i], weight: p[2 * i], bias: p[2 * i + 1])))
        }
        let zeros = Variable(try Tensor.zeros(x.shape))
        var u = encoded[levels]
        for i in stride(from: levels - 1, through: 0, by: -1) {
            let input = try Variable.concatenate([u, hasLongSkips ? encoded[i + 1] : zeros], alongAxis: 1)
            u = try activation(Variable.linear(input, weight: p[2 * levels + 2 * i], bias: p[2 * levels + 2 * i + 1]))
        }
        return u
    }

    /// The network's graph: node 0 is `x`, nodes `1…n` are `e_1…e_n` (`u_n = e_n`), node
    /// `2n − i` is `u_i`; each block is an edge of length 1, from each of its inputs.
    ///
    /// - Throws: `AnalysisError.invalidArgument` if an edge were out of topological order.
    public var computationGraph: ComputationGraph {
        get throws {
        let n = levels
        var edges: [ComputationGraph.Edge] = []
        for i in 0..<n { edges.append(.init(from: i, to: i + 1, nonlinearBlocks: 1)) }
        for i in stride(from: n - 1, through: 0, by: -1) {
            let output = 2 * n - i
            let previous = i == n - 1 ? n : 2 * n - (i + 1)
            edges.append(.init(from: previous, to: output, nonlinearBlocks: 1))
            if hasLongSkips { edges.append(.init(from: i + 1, to: output, nonlinearBlocks: 1)) }
        }
        return try ComputationGraph(nodeCount: 2 * n + 1, edges: edges)
        }
    }
}

extension LongSkipNetwork {
    init(width: Int, levels: Int, hasLongSkips: Bool, activation: Activation, parameters: ParameterList) {
        self.width = width
        self.levels = levels
        self.hasLongSkips = hasLongSkips
        self.activation = activation
        self.parameters = parameters
    }
}
