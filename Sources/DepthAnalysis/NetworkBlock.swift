// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A block's field `F_l`: a map of states `[batch, d] → [batch, d]` that acts on each row
/// independently (as every block of `ResidualNets` does), with its parameters fixed.
public typealias BlockField = @Sendable (Variable) throws -> Variable

/// One block of a depth-`L` network, with or without its skip connection:
///
///     residual:  x_{l+1} = x_l + h·F_l(x_l)      (one explicit Euler step of x' = F_l(x))
///     plain:     x_{l+1} = F_l(x_l)
///
/// The *branch* `G_l` is what the block adds to the identity path: `G_l = h·F_l` for a
/// residual block, `G_l = F_l` for a plain one (which has no identity path).
public struct NetworkBlock: Sendable {
    /// `F_l`, with the block's parameters (and time `t_l`) already bound.
    public let field: BlockField
    /// `h`, the weight of the branch in a residual block (unused by a plain block).
    public let stepSize: Double
    /// Whether the block has the identity path `x_l → x_{l+1}`.
    public let hasSkip: Bool

    /// - Throws: `AnalysisError.invalidArgument` when `stepSize` is not finite.
    public init(field: @escaping BlockField, stepSize: Double, hasSkip: Bool) throws {
        guard stepSize.isFinite else {
            throw AnalysisError.invalidArgument(name: "stepSize", value: "\(stepSize)", reason: "must be finite")
        }
        self.field = field
        self.stepSize = stepSize
        self.hasSkip = hasSkip
    }

    /// `x + h·F(x)` (residual) or `F(x)` (plain).
    public func callAsFunction(_ x: Variable) throws -> Variable {
        let f = try field(x)
        guard f.shape == x.shape else {
            throw AnalysisError.shapeMismatch(what: "a block's field output", expected: x.shape, got: f.shape)
        }
        return hasSkip ? try x.adding(f, scaledBy: stepSize) : f
    }

    /// The branch `G(x) = h·F(x)` (residual) or `F(x)` (plain): the block minus its identity path.
    public func branch(_ x: Variable) throws -> Variable {
        let f = try field(x)
        guard f.shape == x.shape else {
            throw AnalysisError.shapeMismatch(what: "a block's field output", expected: x.shape, got: f.shape)
        }
        return hasSkip ? try f.scaled(by: stepSize) : f
    }

    /// The same field with the skip connection switched on or off.
    public func withSkip(_ hasSkip: Bool) -> NetworkBlock {
        NetworkBlock(validatedField: field, stepSize: stepSize, hasSkip: hasSkip)
    }

    /// A block from parts another block already validated (a finite step size).
    private init(validatedField field: @escaping BlockField, stepSize: Double, hasSkip: Bool) {
        self.field = field
        self.stepSize = stepSize
        self.hasSkip = hasSkip
    }
}
