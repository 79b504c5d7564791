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
/// and in general (a convolutional block whose shape changes, He et al. 2016):
///
///     residual:  x_{l+1} = σ(S_l(x_l) + h·F_l(x_l))      plain:  x_{l+1} = σ(F_l(x_l))
///
/// with a shortcut `S_l` (the identity when absent, else e.g. a projection) and an optional
/// output activation `σ` (e.g. ReLU). The *branch* `G_l` is what the block adds to the
/// shortcut path: `G_l = h·F_l` for a residual block, `G_l = F_l` for a plain one (which has
/// no shortcut path); `σ` is applied after the sum and belongs to neither.
public struct NetworkBlock: Sendable {
    /// `F_l`, with the block's parameters (and time `t_l`) already bound.
    public let field: BlockField
    /// `h`, the weight of the branch in a residual block (unused by a plain block).
    public let stepSize: Double
    /// Whether the block has the shortcut path `x_l → S_l(x_l) → x_{l+1}`.
    public let hasSkip: Bool
    /// `S_l`, with its parameters bound; `nil` is the identity.
    public let shortcut: BlockField?
    /// `σ`, applied to the sum (or to `F_l(x)` in a plain block); `nil` is none.
    public let outputActivation: BlockField?

    /// - Throws: `AnalysisError.invalidArgument` when `stepSize` is not finite.
    public init(field: @escaping BlockField, stepSize: Double, hasSkip: Bool,
                shortcut: BlockField? = nil, outputActivation: BlockField? = nil) throws {
        guard stepSize.isFinite else {
            throw AnalysisError.invalidArgument(name: "stepSize", value: "\(stepSize)", reason: "must be finite")
        }
        self.init(validatedField: field, stepSize: stepSize, hasSkip: hasSkip, shortcut: shortcut, outputActivation: outputActivation)
    }

    /// Whether the block is `x + h·F(x)` or `F(x)` exactly: identity shortcut, no output activation.
    public var isEulerStep: Bool { shortcut == nil && outputActivation == nil }

    /// `σ(S(x) + h·F(x))` (residual) or `σ(F(x))` (plain).
    public func callAsFunction(_ x: Variable) throws -> Variable {
        try activated(preActivation(x))
    }

    /// `S(x) + h·F(x)` (residual) or `F(x)` (plain): the block before its output activation.
    public func preActivation(_ x: Variable) throws -> Variable {
        let f = try field(x)
        guard hasSkip else {
            guard !isEulerStep || f.shape == x.shape else {
                throw AnalysisError.shapeMismatch(what: "a block's field output", expected: x.shape, got: f.shape)
            }
            return f
        }
        let s = try shortcutPath(x)
        guard f.shape == s.shape else {
            throw AnalysisError.shapeMismatch(what: "a block's field output", expected: s.shape, got: f.shape)
        }
        return try s.adding(f, scaledBy: stepSize)
    }

    /// `σ(z)`, or `z` for a block without output activation.
    public func activated(_ z: Variable) throws -> Variable {
        try outputActivation.map { try $0(z) } ?? z
    }

    /// `S(x)` (`x` for the identity shortcut).
    public func shortcutPath(_ x: Variable) throws -> Variable {
        try shortcut.map { try $0(x) } ?? x
    }

    /// The branch `G(x) = h·F(x)` (residual) or `F(x)` (plain): the block's pre-activation minus its shortcut path.
    public func branch(_ x: Variable) throws -> Variable {
        let f = try field(x)
        guard hasSkip else {
            guard !isEulerStep || f.shape == x.shape else {
                throw AnalysisError.shapeMismatch(what: "a block's field output", expected: x.shape, got: f.shape)
            }
            return f
        }
        let s = try shortcutPath(x)
        guard f.shape == s.shape else {
            throw AnalysisError.shapeMismatch(what: "a block's field output", expected: s.shape, got: f.shape)
        }
        return try f.scaled(by: stepSize)
    }

    /// The same field with the skip connection switched on or off (switched off, the shortcut is dropped).
    public func withSkip(_ hasSkip: Bool) -> NetworkBlock {
        NetworkBlock(validatedField: field, stepSize: stepSize, hasSkip: hasSkip, shortcut: shortcut, outputActivation: outputActivation)
    }

    /// The block with its branch deleted (Veit et al. 2016, §4), or `nil` when nothing remains:
    /// an Euler-step block `x + h·F(x)` and a plain block become `x_{l+1} = x_l` (the block is
    /// removed, as before), a block with a shortcut or an output activation becomes
    /// `x_{l+1} = σ(S(x_l))`, so that a projection block keeps its change of shape.
    public var lesioned: NetworkBlock? {
        guard hasSkip, !isEulerStep else { return nil }
        return NetworkBlock(validatedField: shortcut ?? { $0 }, stepSize: stepSize, hasSkip: false, shortcut: nil,
                            outputActivation: outputActivation)
    }

    /// A block from parts another block already validated (a finite step size).
    private init(validatedField field: @escaping BlockField, stepSize: Double, hasSkip: Bool,
                 shortcut: BlockField?, outputActivation: BlockField?) {
        self.field = field
        self.stepSize = stepSize
        self.hasSkip = hasSkip
        self.shortcut = shortcut
        self.outputActivation = outputActivation
    }
}
