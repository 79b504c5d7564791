// SPDX-License-Identifier: GPL-3.0-or-later

/// A tensor that takes part in a differentiation.
///
/// A `Variable` is either a constant (no tape) or node `index` of a `Tape`.
/// Operations on variables compute their value with `Tensor` operations and,
/// when an operand is tracked, record the result on the tape together with
/// its vector–Jacobian product (reverse mode) and, if the tape carries
/// tangents, its Jacobian–vector product (forward mode).
public struct Variable {
    /// The current value.
    public let value: Tensor
    let tape: Tape?
    let index: Int

    /// A constant: it is not differentiated.
    public init(_ value: Tensor) {
        self.value = value
        self.tape = nil
        self.index = -1
    }

    init(value: Tensor, tape: Tape, index: Int) {
        self.value = value
        self.tape = tape
        self.index = index
    }

    public var shape: [Int] { value.shape }
    public var rank: Int { value.rank }
    /// Whether this value is recorded on a tape (its derivatives are tracked).
    public var isTracked: Bool { tape != nil }
    /// The same value, cut from the graph: derivatives do not flow through it.
    public var detached: Variable { Variable(value) }

    /// Which values a pullback reads, so that the tape keeps only those alive.
    /// Values not retained reach the pullback as placeholders that carry only a shape.
    /// A bit mask rather than a set: it is built on every operation, tracked or not.
    struct Retention {
        var output: Bool
        /// Bit k set: input k's value is kept.
        var inputMask: UInt64
        static let everything = Retention(output: true, inputMask: ~0)
        static let nothing = Retention(output: false, inputMask: 0)
        static let output = Retention(output: true, inputMask: 0)
        static let firstInput = Retention(output: false, inputMask: 0b1)
        static let firstTwoInputs = Retention(output: false, inputMask: 0b11)
        static let secondInputAndOutput = Retention(output: true, inputMask: 0b10)
        func keepsInput(_ k: Int) -> Bool { k >= 64 ? inputMask == ~0 : inputMask & (1 << UInt64(k)) != 0 }
    }

    /// Records `value` as the result of an operation on `inputs`.
    ///
    /// - Parameters:
    ///   - retaining: the values the pullback reads (the rest is not kept on the tape).
    ///   - tangent: forward-mode rule: input tangents (nil = zero) to the output tangent.
    ///   - pullback: reverse-mode rule: (output cotangent, output, inputs) to input
    ///     cotangents. It must not capture tracked variables (use its arguments),
    ///     and may read only the values named in `retaining` (others are shape-only placeholders).
    ///   - forward: the operation's forward kernel, asked for only by a tracing tape;
    ///     an operation without one cannot be traced (`AutodiffError.notTraceable`).
    static func record(_ value: Tensor, inputs: [Variable], operation: String, retaining: Retention = .everything,
                       tangent: ([Tensor?]) throws -> Tensor?,
                       pullback: @escaping (_ cotangent: Variable, _ output: Variable,
                                            _ inputs: [Variable]) throws -> [Variable?],
                       forward: @autoclosure () throws -> ForwardKernel? = nil) throws -> Variable {
        var tape: Tape? = nil
        for v in inputs {
            guard let t = v.tape else { continue }
            if let existing = tape, existing !== t { throw AutodiffError.mixedTapes(operation: operation) }
            tape = t
        }
        guard let tape, tape.isRecording else { return Variable(value) }
        var outputTangent: Tensor? = nil
        if tape.carriesTangents {
            let inputTangents = inputs.map { v in v.tape === tape ? tape.nodes[v.index].tangent : nil }
            if inputTangents.contains(where: { $0 != nil }) { outputTangent = try tangent(inputTangents) }
        }
        if tape.isTracing {
            guard let kernel = try forward() else { throw AutodiffError.notTraceable(operation: operation) }
            tape.trace.append(TracedOperation(operation: operation, kernel: kernel,
                                              constants: inputs.map { $0.tape === tape ? nil : $0.value }))
        }
        let kept = inputs.enumerated().map { k, v in
            retaining.keepsInput(k) ? v.value : Tensor.placeholder(shape: v.shape)
        }
        tape.nodes.append(Tape.Node(inputs: inputs.map { $0.tape === tape ? $0.index : -1 },
                                    inputValues: kept, pullback: pullback,
                                    value: retaining.output ? value : Tensor.placeholder(shape: value.shape),
                                    tangent: outputTangent))
        return Variable(value: value, tape: tape, index: tape.nodes.count - 1)
    }
}

extension Variable: CustomStringConvertible {
    public var description: String { "Variable(\(value)\(isTracked ? ", tracked" : ""))" }
}
