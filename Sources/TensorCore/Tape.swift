// SPDX-License-Identifier: GPL-3.0-or-later

/// The record of one differentiation: every operation applied to tracked
/// `Variable`s, in order, with the rule that maps the output's cotangent to
/// its inputs' cotangents (its vector–Jacobian product).
///
/// Each differentiation creates its own tape, so independent differentiations
/// may run on different threads at the same time. A tape may also carry
/// tangents (forward mode): each operation then pushes its inputs' tangents
/// through its Jacobian–vector product as it is recorded.
///
/// Reverse mode: with `y = f(x)` recorded, `x̄ = J(x)ᵀ ȳ` is obtained by
/// visiting the nodes backwards and applying each node's pullback. The
/// pullbacks are written with `Variable` operations, so a backward pass can
/// itself be recorded (`createGraph`) and differentiated again: forward mode
/// over that recorded backward pass gives exact Hessian–vector products.
public final class Tape {
    struct Node {
        /// Tape indices of the tracked inputs; −1 marks an untracked (constant) input.
        let inputs: [Int]
        /// The inputs' values (constants are rebuilt from these in the backward pass).
        let inputValues: [Tensor]
        /// Maps (output cotangent, output, inputs) to one cotangent per input (nil = zero).
        /// It receives its variables as arguments rather than capturing them, so that
        /// no closure holds the tape that holds it (no reference cycle).
        let pullback: ((Variable, Variable, [Variable]) throws -> [Variable?])?
        let value: Tensor
        var tangent: Tensor?
    }

    var nodes: [Node] = []
    /// Set on a tape that traces a function for replay (see `TracedFunction`):
    /// one entry per node, the operation's forward kernel and constant inputs
    /// (nil for leaves). Empty on every other tape.
    var trace: [TracedOperation?] = []
    /// Whether operations must leave a replayable record in `trace`.
    let isTracing: Bool
    /// When false, operations on this tape's variables produce constants (used for plain backward passes).
    var isRecording = true
    /// When true, every recorded operation also computes its output tangent (forward mode).
    let carriesTangents: Bool

    public init(carriesTangents: Bool = false) {
        self.carriesTangents = carriesTangents
        self.isTracing = false
    }

    /// A tape that records, besides the pullbacks, each operation's forward kernel.
    init(tracing: Void) {
        self.carriesTangents = false
        self.isTracing = true
    }

    /// A new independent variable (a leaf of the graph), optionally seeded with a tangent.
    public func variable(_ value: Tensor, tangent: Tensor? = nil) throws -> Variable {
        if let tangent, tangent.shape != value.shape {
            throw AutodiffError.shapeMismatch(what: "tangent", expected: value.shape, got: tangent.shape)
        }
        nodes.append(Node(inputs: [], inputValues: [], pullback: nil, value: value, tangent: carriesTangents ? tangent : nil))
        if isTracing { trace.append(nil) }
        return Variable(value: value, tape: self, index: nodes.count - 1)
    }

    /// The forward-mode tangent carried by a variable of this tape (nil means zero).
    public func tangent(of v: Variable) -> Tensor? {
        guard v.tape === self, v.index >= 0 else { return nil }
        return nodes[v.index].tangent
    }

    /// Cotangents of `inputs` given `output` and its cotangent `seed` (reverse sweep).
    ///
    /// - Parameters:
    ///   - output: the variable to differentiate.
    ///   - seed: its cotangent `ȳ`, of its shape.
    ///   - inputs: the variables whose cotangents are returned.
    ///   - createGraph: record the backward pass on this tape, so that the
    ///     returned cotangents are themselves differentiable.
    /// - Returns: one cotangent per input; zero tensors for inputs the output does not depend on.
    public func pullback(of output: Variable, seed: Tensor, to inputs: [Variable],
                         createGraph: Bool = false) throws -> [Variable] {
        try pullback(of: output, seed: Variable(seed), to: inputs, createGraph: createGraph)
    }

    /// As `pullback(of:seed:to:createGraph:)`, with a seed that may itself be a
    /// variable of this tape: with `createGraph`, the cotangents are then recorded
    /// as functions of the seed too (a vector–Jacobian product `ȳ ↦ Jᵀȳ` that can be
    /// traced or differentiated in `ȳ`).
    public func pullback(of output: Variable, seed: Variable, to inputs: [Variable],
                         createGraph: Bool = false) throws -> [Variable] {
        guard seed.shape == output.shape else {
            throw AutodiffError.shapeMismatch(what: "cotangent seed", expected: output.shape, got: seed.shape)
        }
        if let other = seed.tape, other !== self { throw AutodiffError.mixedTapes(operation: "pullback seed") }
        guard output.tape === self, output.index >= 0 else { return inputs.map { Variable(Tensor.zeros(like: $0.value)) } }

        let wasRecording = isRecording
        isRecording = createGraph
        defer { isRecording = wasRecording }

        let wanted = Set(inputs.compactMap { $0.tape === self ? $0.index : nil })
        var cotangents = [Variable?](repeating: nil, count: output.index + 1)
        cotangents[output.index] = createGraph ? seed : seed.detached
        for i in stride(from: output.index, through: 0, by: -1) {
            guard let g = cotangents[i] else { continue }
            let node = nodes[i]
            guard let pullback = node.pullback else { continue }  // a leaf: keep its cotangent
            let out = Variable(value: node.value, tape: self, index: i)
            let arguments = zip(node.inputs, node.inputValues).map { j, v in
                j >= 0 ? Variable(value: v, tape: self, index: j) : Variable(v)
            }
            let inputCotangents = try pullback(g, out, arguments)
            if !wanted.contains(i) { cotangents[i] = nil }  // free memory as we go
            for (k, j) in node.inputs.enumerated() where j >= 0 {
                guard let c = inputCotangents[k] else { continue }
                if createGraph || cotangents[j] == nil {
                    cotangents[j] = try cotangents[j].map { try $0 + c } ?? c
                } else if var sum = cotangents[j]?.value {
                    cotangents[j] = nil  // leaves `sum` uniquely referenced: the add is in place
                    try sum.add(c.value)
                    cotangents[j] = Variable(sum)
                }
            }
        }
        // Zeros are made only for inputs the output does not depend on.
        return inputs.map { v in
            (v.tape === self && v.index >= 0 ? cotangents[v.index] : nil) ?? Variable(Tensor.zeros(like: v.value))
        }
    }
}
