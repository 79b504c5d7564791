// SPDX-License-Identifier: GPL-3.0-or-later

/// The forward computation of one recorded operation on raw buffers, which a
/// tracing tape keeps so that a `TracedFunction` can replay the operation
/// without building tensors:
///
///     output[0 ..< n] = op(inputs[0], inputs[1], …)
///
/// Shapes are those seen when the operation was traced and are captured in the
/// kernel. The inputs come in the operation's input order; every output
/// element is written. Each kernel calls the same buffer-level function as the
/// `Tensor` operation it replays, so the two cannot disagree.
struct ForwardKernel: Sendable {
    /// Writes the output; throws only for a `recomputing` kernel whose tensor operation fails.
    let run: @Sendable (_ inputs: UnsafePointer<UnsafePointer<Double>>, _ output: UnsafeMutablePointer<Double>) throws -> Void
    /// Whether the output is the first input's elements unchanged (a reshape), so that
    /// a replay can hand on the input's buffer instead of running the kernel.
    var isAliasOfFirstInput = false

    init(run: @escaping @Sendable (_ inputs: UnsafePointer<UnsafePointer<Double>>,
                                   _ output: UnsafeMutablePointer<Double>) throws -> Void) {
        self.run = run
    }

    /// `f` applied to each of `count` elements of the one input.
    static func elementwise(_ f: ElementwiseFunction, count: Int) -> ForwardKernel {
        ForwardKernel { inputs, output in f.apply(inputs[0], output, count: count) }
    }

    /// `a ∘ b` with broadcasting, for the four arithmetic operators.
    static func arithmetic(_ plan: BroadcastPlan, _ operator: ArithmeticOperator) -> ForwardKernel {
        switch `operator` {
        case .add: return ForwardKernel { inputs, output in plan.apply(inputs[0], inputs[1], output, +) }
        case .subtract: return ForwardKernel { inputs, output in plan.apply(inputs[0], inputs[1], output, -) }
        case .multiply: return ForwardKernel { inputs, output in plan.apply(inputs[0], inputs[1], output, *) }
        case .divide: return ForwardKernel { inputs, output in plan.apply(inputs[0], inputs[1], output, /) }
        }
    }

    /// The input's `count` elements unchanged (reshapes, which only relabel the shape):
    /// a replay aliases the input's buffer; run as a kernel, it copies.
    static func alias(count: Int) -> ForwardKernel {
        var kernel = ForwardKernel { inputs, output in output.update(from: inputs[0], count: count) }
        kernel.isAliasOfFirstInput = true
        return kernel
    }

    /// Concatenation: for each of `outer` leading indices, each input's next block of
    /// `blocks[k]` elements in turn (the layout of `Tensor.concatenate`).
    static func concatenation(blocks: [Int], outer: Int) -> ForwardKernel {
        ForwardKernel { inputs, output in
            var position = 0
            for o in 0..<outer {
                for (k, block) in blocks.enumerated() {
                    (output + position).update(from: inputs[k] + o * block, count: block)
                    position += block
                }
            }
        }
    }

    /// The tensor operation itself on copies of the inputs (for operations without a
    /// buffer-level form: it allocates, so it is kept for rarely traced ones). The
    /// operation should not fail on the traced shapes; if it does, or returns the wrong
    /// number of values, the replay throws (the error, or `AutodiffError.shapeMismatch`)
    /// instead of writing a plausible-looking output.
    static func recomputing(_ inputShapes: [[Int]], outputCount: Int,
                            _ operation: @escaping @Sendable ([Tensor]) throws -> Tensor) -> ForwardKernel {
        ForwardKernel { inputs, output in
            let tensors = inputShapes.enumerated().map { k, shape in
                let count = shape.reduce(1, *)
                return Tensor(uncheckedShape: shape, scalars: Array(UnsafeBufferPointer(start: inputs[k], count: count)))
            }
            let result = try operation(tensors)
            guard result.count == outputCount else {
                throw AutodiffError.shapeMismatch(what: "recomputed trace step", expected: [outputCount], got: result.shape)
            }
            result.withUnsafeBufferPointer { values in
                if let base = values.baseAddress { output.update(from: base, count: outputCount) }
            }
        }
    }

    /// The four broadcasting arithmetic operators between two tensors.
    enum ArithmeticOperator: Sendable { case add, subtract, multiply, divide }
}
