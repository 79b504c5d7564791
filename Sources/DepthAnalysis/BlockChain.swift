// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A network as the sequence of its blocks, the object every measurement here works on:
///
///     x_{l+1} = Φ_l(x_l),   l = 0, …, L−1,   Φ_l = x + h·F_l(x)  or  F_l(x)
///
/// Each block keeps its own parameters and time, so blocks can be deleted (`x_{l+1} = x_l`)
/// or reordered for lesion studies, and the skips switched off to get the plain twin
/// with the same `F_l` (the same weights).
public struct BlockChain: Sendable {
    /// The blocks in the order they are applied.
    public var blocks: [NetworkBlock]

    /// A chain applying `blocks` in order.
    public init(blocks: [NetworkBlock]) {
        self.blocks = blocks
    }

    /// `L`, the number of blocks.
    public var depth: Int { blocks.count }

    /// `x_L` for `x_0` (any tracked or constant variable, shape `[batch, d]`, or `[batch, C, H, W]`
    /// for convolutional blocks).
    public func forward(_ x: Variable) throws -> Variable {
        var state = x
        for block in blocks { state = try block(state) }
        return state
    }

    /// `x_L` for `x_0` on plain tensors.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try forward(Variable(x)).value
    }

    /// Every state `x_0, x_1, …, x_L` (L + 1 tensors), not differentiated.
    public func states(from x0: Tensor) throws -> [Tensor] {
        var all = [x0]
        all.reserveCapacity(depth + 1)
        var state = Variable(x0)
        for block in blocks {
            state = try block(state)
            all.append(state.value)
        }
        return all
    }

    /// The same fields with every skip connection on (`true`) or off (`false`): the plain twin
    /// `x_{l+1} = F_l(x_l)` of a residual network, or the reverse.
    public func withSkips(_ hasSkips: Bool) -> BlockChain {
        BlockChain(blocks: blocks.map { $0.withSkip(hasSkips) })
    }

    /// The chain with blocks `indices` deleted: each is skipped, `x_{l+1} = x_l`
    /// (Veit et al. 2016, §4: deleting a residual block leaves only its skip). A block with a
    /// shortcut `S` or an output activation `σ` keeps them: `x_{l+1} = σ(S(x_l))` (see
    /// `NetworkBlock.lesioned`), so the states keep their shapes after a projection block.
    /// - Throws: `AnalysisError.blockIndexOutOfRange` for an index outside `0..<depth`.
    public func removingBlocks(_ indices: Set<Int>) throws -> BlockChain {
        for i in indices.sorted() where !(0..<depth).contains(i) {
            throw AnalysisError.blockIndexOutOfRange(index: i, depth: depth)
        }
        return BlockChain(blocks: blocks.indices.compactMap { indices.contains($0) ? blocks[$0].lesioned : blocks[$0] })
    }

    /// The chain with its blocks applied in `order` (`order[k]` is the block applied k-th).
    /// - Throws: `AnalysisError.notPermutation` unless `order` is a permutation of `0..<depth`.
    public func reorderingBlocks(_ order: [Int]) throws -> BlockChain {
        guard order.count == depth, Set(order) == Set(0..<depth) else {
            throw AnalysisError.notPermutation(order: order, depth: depth)
        }
        return BlockChain(blocks: order.map { blocks[$0] })
    }

    /// Checks that every block is `x + h·F(x)` or `F(x)` with `F` keeping the shape (identity
    /// shortcut, no output activation), for measurements built on the fields `F_l` alone.
    func requireEulerSteps(for measurement: String) throws {
        if let general = blocks.firstIndex(where: { !$0.isEulerStep }) {
            throw AnalysisError.invalidArgument(name: "chain", value: "block \(general)",
                                                reason: "\(measurement) needs blocks x + h·F(x) or F(x); this one has a shortcut S or an output activation σ")
        }
    }

    /// Checks that every block has a skip connection (for measurements defined on residual blocks only).
    func requireSkips(for measurement: String) throws {
        if let plain = blocks.firstIndex(where: { !$0.hasSkip }) {
            throw AnalysisError.requiresSkipConnection(block: plain, measurement: measurement)
        }
    }
}
