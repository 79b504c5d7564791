// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A residual block around any layer `F` (a user's composition of layers or a
/// closure), and its plain twin:
///
///     residual:  y = σ(S(x) + h·F(x))      plain:  y = σ(F(x))
/// where `S` is the shortcut — the identity when `F` keeps the shape, else a
/// projection (1×1 convolution with the stride, then normalisation; He et al.
/// 2016, option B) or zero padding (subsample by the stride, add zero channels;
/// option A) — and `σ` an optional output activation. With `σ` = ReLU and
/// `F = BN∘conv∘ReLU∘BN∘conv` this is the post-activation block of He et al.,
/// "Deep residual learning for image recognition" (CVPR 2016); with no `σ` and
/// `F = conv∘ReLU∘BN∘conv∘ReLU∘BN` the pre-activation block of He et al.,
/// "Identity mappings in deep residual networks" (ECCV 2016). With `S` the
/// identity and `σ` absent it is one explicit Euler step `x + h·F(x)`.
///
/// Parameters: `F`'s, then the shortcut's.
public struct ResidualBlock: Layer {
    public let residualFunction: any Layer
    public let shortcut: (any Layer)?
    public let stepSize: Double
    public let isResidual: Bool
    public let outputActivation: Activation?
    public let parameters: ParameterList

    /// - Parameters:
    ///   - residualFunction: `F`.
    ///   - shortcut: `S`; `nil` is the identity (a plain twin has none).
    ///   - stepSize: `h`.
    ///   - isResidual: `false` for the plain twin `σ(F(x))` (the shortcut is then not allowed).
    ///   - outputActivation: `σ`, applied after the sum.
    public init(_ residualFunction: any Layer, shortcut: (any Layer)? = nil, stepSize: Double = 1, isResidual: Bool = true,
                outputActivation: Activation? = nil) throws {
        guard isResidual || shortcut == nil else {
            throw TensorError.invalidArgument(operation: "ResidualBlock", reason: "a plain block has no shortcut")
        }
        var list = ParameterList()
        for layer in [residualFunction] + (shortcut.map { [$0] } ?? []) {
            for (n, v) in zip(layer.parameters.names, layer.parameters.values) { try list.append(n, v) }
        }
        self.residualFunction = residualFunction
        self.shortcut = shortcut
        self.stepSize = stepSize
        self.isResidual = isResidual
        self.outputActivation = outputActivation
        self.parameters = list
    }

    public var buffers: [(name: String, value: Tensor)] { residualFunction.buffers + (shortcut?.buffers ?? []) }

    public func loadBuffers(_ values: [String: Tensor]) throws {
        try residualFunction.loadBuffers(values)
        try shortcut?.loadBuffers(values)
    }

    public func apply(_ x: Variable, parameters p: ArraySlice<Variable>, mode: LayerMode) throws -> Variable {
        try checkParameterCount(p, operation: "ResidualBlock")
        let split = p.startIndex + residualFunction.parameters.count
        let f = try residualFunction.apply(x, parameters: p[p.startIndex..<split], mode: mode)
        var y = f
        if isResidual {
            let s = try shortcut?.apply(x, parameters: p[split...], mode: mode) ?? x
            guard s.shape == f.shape else {
                throw TensorError.shapeMismatch(operation: "ResidualBlock: shortcut S(x) and F(x) (add a projection)",
                                                lhs: s.shape, rhs: f.shape)
            }
            y = try s + (stepSize == 1 ? f : f * stepSize)
        }
        return try outputActivation.map { try $0(y) } ?? y
    }

    /// Option A of He et al. 2016: `x[:, :, ::s, ::s]` with `outputChannels − C` zero channels,
    /// half before and half after (no parameters).
    public static func zeroPaddingShortcut(outputChannels: Int, stride: ImageSize) -> FunctionLayer {
        FunctionLayer("zero-padding shortcut") { x, _ in
            guard x.rank == 4, x.shape[1] <= outputChannels else {
                throw TensorError.invalidShape(operation: "zero-padding shortcut", shape: x.shape,
                                               reason: "needs [N, C, H, W] with C ≤ \(outputChannels)")
            }
            let g = try ConvolutionGeometry(inputShape: x.shape, kernel: ImageSize(1), stride: stride, operation: "zero-padding shortcut")
            let (n, c) = (g.batch, g.channels)
            let sampled = try x.imageToColumns(g).reshaped(to: [c, n, g.output.height, g.output.width]).permuted([1, 0, 2, 3])
            let extra = outputChannels - c
            if extra == 0 { return sampled }
            let before = extra / 2
            let zeros = { (k: Int) in Variable(try Tensor.zeros([n, k, g.output.height, g.output.width])) }
            return try Variable.concatenate([try zeros(before), sampled, try zeros(extra - before)], alongAxis: 1)
        }
    }
}
