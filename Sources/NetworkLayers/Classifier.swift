// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// How inputs of width `n` become states of width `d` before the body.
public enum Embedding: Sendable, Equatable {
    /// A learned linear map `n → d` (parameters `embed.weight`, `embed.bias`).
    case linear
    /// Zero padding `[x, 0, …, 0]` to width `d ≥ n`: the augmentation of
    /// augmented neural ODEs (Dupont et al. 2019), which adds dimensions in
    /// which trajectories can pass each other. No parameters.
    case zeroPadding
}

/// `readout ∘ body ∘ embed`: a classifier (or regressor) whose body is any
/// state-to-state model — a residual network, its plain twin, a neural ODE.
///
///     z₀ = embed(x)  [batch, d],   z_L = body(z₀),   logits = z_L·Rᵀ + r  [batch, outputs]
///
/// Parameters are `embed.*` (if linear), then the body's, then `readout.*`.
public struct Classifier<Body: DifferentiableModel>: DifferentiableModel {
    public let inputWidth: Int
    public let stateWidth: Int
    public let embedding: Embedding
    /// The body as constructed; its parameters are replaced by `parameters[bodyRange]` in `body`.
    private let bodyTemplate: Body
    /// All parameters (`embed.*`, the body's, `readout.*`); the single source of truth.
    public var parameters: ParameterList
    let bodyRange: Range<Int>

    /// The body carrying the current body parameters of `parameters`. Throws
    /// (`TensorError.invalidArgument` / `.shapeMismatch`) when `parameters` was given a
    /// different number of tensors or a body tensor of another shape, instead of
    /// silently keeping the old body values.
    public var body: Body {
        get throws {
            guard parameters.values.count == bodyRange.upperBound + 2 else {
                throw TensorError.invalidArgument(operation: "Classifier.body",
                                                  reason: "\(parameters.values.count) parameters for \(bodyRange.upperBound + 2)")
            }
            var current = bodyTemplate
            current.parameters = try bodyTemplate.parameters.replacingValues(Array(parameters.values[bodyRange]))
            return current
        }
    }

    public init(inputWidth: Int, stateWidth: Int, outputs: Int, embedding: Embedding, body: Body, seed: UInt64) throws {
        guard embedding == .linear || stateWidth >= inputWidth else {
            throw TensorError.invalidArgument(operation: "Classifier",
                                              reason: "zero padding needs state width ≥ input width, got \(stateWidth) < \(inputWidth)")
        }
        var generator = SeededGenerator(seed: seed)
        var list = ParameterList()
        if embedding == .linear {
            let embed = try LinearLayer(inputs: inputWidth, outputs: stateWidth, prefix: "embed.", using: &generator)
            for (n, v) in zip(embed.parameters.names, embed.parameters.values) { try list.append(n, v) }
        }
        let start = list.count
        for (n, v) in zip(body.parameters.names, body.parameters.values) { try list.append(n, v) }
        bodyRange = start..<list.count
        let readout = try LinearLayer(inputs: stateWidth, outputs: outputs, prefix: "readout.", using: &generator)
        for (n, v) in zip(readout.parameters.names, readout.parameters.values) { try list.append(n, v) }
        self.inputWidth = inputWidth
        self.stateWidth = stateWidth
        self.embedding = embedding
        self.bodyTemplate = body
        self.parameters = list
    }

    /// The state `z₀` that enters the body.
    public func embed(_ x: Variable, parameters p: [Variable]) throws -> Variable {
        guard x.rank == 2, x.shape[1] == inputWidth else {
            throw TensorError.shapeMismatch(operation: "Classifier input [batch, \(inputWidth)]", lhs: x.shape, rhs: [inputWidth])
        }
        switch embedding {
        case .linear:
            return try Variable.linear(x, weight: p[0], bias: p[1])
        case .zeroPadding:
            if stateWidth == inputWidth { return x }
            let zeros = try Tensor.zeros([x.shape[0], stateWidth - inputWidth])
            return try Variable.concatenate([x, Variable(zeros)], alongAxis: 1)
        }
    }

    public func forward(_ x: Variable, parameters p: [Variable]) throws -> Variable {
        guard p.count == parameters.count else {
            throw TensorError.invalidArgument(operation: "Classifier", reason: "\(p.count) parameters for \(parameters.count)")
        }
        let z0 = try embed(x, parameters: p)
        let zL = try bodyTemplate.forward(z0, parameters: Array(p[bodyRange]))
        return try Variable.linear(zL, weight: p[p.count - 2], bias: p[p.count - 1])
    }
}
