// SPDX-License-Identifier: GPL-3.0-or-later

/// A network's data flow as a directed acyclic graph whose edges count the nonlinear
/// blocks they pass through: a block is an edge of length 1, a skip (identity) or an
/// additive/concatenating merge an edge of length 0.
///
/// The shortest path from input to output, in nonlinear blocks, bounds how directly the
/// output's gradient reaches the input: along it, the gradient is multiplied by that many
/// block Jacobians only. Nodes are numbered in topological order (every edge goes from a
/// lower to a higher number), so both path lengths are one pass of dynamic programming:
///
///     dist(v) = min / max over edges (u → v) of dist(u) + length(u → v)
///
/// Reference: Ronneberger, Fischer & Brox, "U-Net" (MICCAI 2015); Drozdzal et al., "The
/// importance of skip connections in biomedical image segmentation" (2016); Papers/unet-long-skips.
public struct ComputationGraph: Sendable, Equatable {
    /// An edge `from → to` passing through `nonlinearBlocks` blocks.
    public struct Edge: Sendable, Equatable {
        /// The node the data leaves.
        public let from: Int
        /// The node the data enters (`to > from`).
        public let to: Int
        /// The number of nonlinear blocks passed (0 for a skip).
        public let nonlinearBlocks: Int

        /// The edge `from → to` through `nonlinearBlocks` blocks.
        public init(from: Int, to: Int, nonlinearBlocks: Int) {
            self.from = from
            self.to = to
            self.nonlinearBlocks = nonlinearBlocks
        }
    }

    /// The number of nodes (states); node 0 is usually the input and the last the output.
    public let nodeCount: Int
    /// The edges.
    public let edges: [Edge]

    /// - Throws: `AnalysisError.invalidArgument` for an edge that is not `0 ≤ from < to < nodeCount`
    ///   (topological numbering) or has a negative length.
    public init(nodeCount: Int, edges: [Edge]) throws {
        guard nodeCount >= 1 else {
            throw AnalysisError.invalidArgument(name: "nodeCount", value: "\(nodeCount)", reason: "must be ≥ 1")
        }
        for e in edges where !(0 <= e.from && e.from < e.to && e.to < nodeCount) || e.nonlinearBlocks < 0 {
            throw AnalysisError.invalidArgument(name: "edge", value: "\(e.from) → \(e.to) (\(e.nonlinearBlocks))",
                                                reason: "needs 0 ≤ from < to < \(nodeCount) and a length ≥ 0")
        }
        self.nodeCount = nodeCount
        self.edges = edges.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
    }

    /// The fewest nonlinear blocks on a path `source → target`, or `nil` if none exists.
    public func shortestPathLength(from source: Int, to target: Int) -> Int? {
        pathLength(from: source, to: target, better: { $0 < $1 })
    }

    /// The most nonlinear blocks on a path `source → target`, or `nil` if none exists.
    public func longestPathLength(from source: Int, to target: Int) -> Int? {
        pathLength(from: source, to: target, better: { $0 > $1 })
    }

    /// The shortest input-to-output path (node 0 to the last node).
    public var shortestInputOutputPath: Int? { shortestPathLength(from: 0, to: nodeCount - 1) }
    /// The longest input-to-output path (node 0 to the last node).
    public var longestInputOutputPath: Int? { longestPathLength(from: 0, to: nodeCount - 1) }

    func pathLength(from source: Int, to target: Int, better: (Int, Int) -> Bool) -> Int? {
        guard (0..<nodeCount).contains(source), (0..<nodeCount).contains(target) else { return nil }
        var distance = [Int?](repeating: nil, count: nodeCount)
        distance[source] = 0
        // Edges are sorted by their source, and sources precede targets: each node is final when reached.
        for e in edges {
            guard let d = distance[e.from] else { continue }
            let candidate = d + e.nonlinearBlocks
            if let current = distance[e.to], !better(candidate, current) { continue }
            distance[e.to] = candidate
        }
        return distance[target]
    }
}

extension BlockChain {
    /// The chain as a graph on the states `x_0, …, x_L`: each block is an edge of length 1
    /// (its branch), and a residual block adds an edge of length 0 (its skip). So the
    /// shortest input–output path is 0 for a residual network and `L` for a plain one.
    ///
    /// - Throws: `AnalysisError.invalidArgument` if an edge were out of order (it cannot be:
    ///   the edges go from `l` to `l + 1` within `0…L`; the check stays in one place).
    public var computationGraph: ComputationGraph {
        get throws {
        var edges: [ComputationGraph.Edge] = []
        for (l, block) in blocks.enumerated() {
            edges.append(.init(from: l, to: l + 1, nonlinearBlocks: 1))
            if block.hasSkip { edges.append(.init(from: l, to: l + 1, nonlinearBlocks: 0)) }
        }
        return try ComputationGraph(nodeCount: depth + 1, edges: edges)
        }
    }
}
