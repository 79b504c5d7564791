// SPDX-License-Identifier: GPL-3.0-or-later

/// A function of tensors recorded once and replayed on raw buffers:
///
///     y = g(x₁, …, x_m)   traced at sample inputs; then g(x) for any x of the traced shapes
///
/// Tracing runs `g` on a tape that keeps, for each operation, its forward kernel
/// (the same buffer-level code the `Tensor` operation runs). Replaying runs those
/// kernels in order on buffers allocated once in a `Workspace`: no tensors, no
/// tape and no allocation per call, only the arithmetic. Operands that do not
/// depend on the inputs (parameters, and anything computed from them alone) are
/// folded into constants when traced; operations the output does not need are dropped.
///
/// Valid for functions whose result depends on their inputs through tensor
/// operations alone: the same operations for every input (no branch on element
/// values or on anything outside the inputs) and no side effects. `init` checks
/// what it can: the traces at all samples must agree (operations, shapes,
/// constants) and the replay at each sample must reproduce `g`'s own result.
public struct TracedFunction: Sendable {
    /// The shapes of the inputs, fixed by the trace.
    public let inputShapes: [[Int]]
    /// The shape of the result.
    public let outputShape: [Int]
    /// The names of the replayed operations, in order.
    public var operations: [String] { steps.map(\.operation) }

    /// Where a kernel's operand lives: in the workspace's arena, or in input `k`.
    enum Operand: Equatable {
        case arena(offset: Int)
        case input(Int)
    }

    struct Step {
        let operation: String
        let kernel: ForwardKernel
        let operands: [Operand]
        let outputOffset: Int
    }

    let steps: [Step]
    /// Constant tensors and where they go in the arena.
    let constants: [(offset: Int, value: Tensor)]
    let arenaCount: Int
    let output: Operand

    /// Traces `body` at each list of sample inputs and checks that the traces agree
    /// and that replaying reproduces `body` at every sample.
    ///
    /// - Parameters:
    ///   - samples: one or more lists of inputs, all with the same shapes; give at
    ///     least two different ones to detect a dependence the trace cannot see.
    ///   - reference: optionally, another way to compute the same function; the
    ///     replay must reproduce it too at every sample (to 1e-12 relative).
    ///   - body: the function, written with `Variable` operations.
    /// - Throws: `AutodiffError.notTraceable` naming an operation without a forward
    ///   kernel; `AutodiffError.traceMismatch` when the samples disagree in shape,
    ///   the traces differ or a replay differs from `body` (or `reference`);
    ///   `body`'s and `reference`'s own errors.
    public init(samples: [[Tensor]], reference: (([Tensor]) throws -> Tensor)? = nil,
                _ body: ([Variable]) throws -> Variable) throws {
        guard let first = samples.first else {
            throw AutodiffError.traceMismatch(reason: "no sample inputs to trace at")
        }
        let shapes = first.map(\.shape)
        for (s, sample) in samples.enumerated() where sample.map(\.shape) != shapes {
            throw AutodiffError.traceMismatch(
                reason: "sample \(s) has input shapes \(sample.map(\.shape)), sample 0 has \(shapes)")
        }
        let traces = try samples.map { try Trace(inputs: $0, body) }
        for (s, trace) in traces.enumerated().dropFirst() {
            if let difference = trace.difference(from: traces[0]) {
                throw AutodiffError.traceMismatch(reason: "the traces at samples 0 and \(s) differ: \(difference)")
            }
        }
        self.init(trace: traces[0], inputShapes: shapes)
        let workspace = makeWorkspace()
        for (s, trace) in traces.enumerated() {
            let replayed = try evaluate(samples[s], using: workspace)
            if let difference = replayed.largestDifference(from: trace.result) {
                throw AutodiffError.traceMismatch(reason: "at sample \(s) the replay differs from the function by \(difference)")
            }
            if let reference, let difference = replayed.largestDifference(from: try reference(samples[s])) {
                throw AutodiffError.traceMismatch(reason: "at sample \(s) the replay differs from the reference by \(difference)")
            }
        }
    }

    private init(trace: Trace, inputShapes: [[Int]]) {
        self.inputShapes = inputShapes
        self.outputShape = trace.result.shape
        var arenaCount = 0
        func allocate(_ count: Int) -> Int {
            let offset = arenaCount
            arenaCount += (count + 7) / 8 * 8  // 64-byte aligned slots for the vector kernels
            return offset
        }
        var location = [Int: Operand]()
        for k in 0..<inputShapes.count { location[k] = .input(k) }
        var constants: [(offset: Int, value: Tensor)] = []
        var steps: [Step] = []
        for i in trace.liveOperations {
            guard let operation = trace.operations[i] else { continue }
            // A reshape only relabels the shape: its value is its operand's buffer.
            if operation.kernel.isAliasOfFirstInput, operation.constants.first == .some(nil),
               let operand = location[trace.inputs[i][0]] {
                location[i] = operand
                continue
            }
            let operands = zip(trace.inputs[i], operation.constants).map { index, constant -> Operand in
                if let constant {
                    let offset = allocate(constant.count)
                    constants.append((offset, constant))
                    return .arena(offset: offset)
                }
                return location[index] ?? .input(0)  // a live operation's tracked inputs are located before it
            }
            let offset = allocate(trace.shapes[i].reduce(1, *))
            location[i] = .arena(offset: offset)
            steps.append(Step(operation: operation.operation, kernel: operation.kernel, operands: operands, outputOffset: offset))
        }
        if let index = trace.resultIndex, let operand = location[index] {
            output = operand
        } else {
            let offset = allocate(trace.result.count)
            constants.append((offset, trace.result))
            output = .arena(offset: offset)
        }
        self.steps = steps
        self.constants = constants
        self.arenaCount = arenaCount
    }

    /// Buffers for replaying this function, with the constants in place. Not
    /// thread-safe: use one workspace per thread.
    public func makeWorkspace() -> Workspace {
        Workspace(function: self)
    }

    /// `g(x₁, …, x_m)` replayed into `output`.
    /// - Throws: `AutodiffError.shapeMismatch` when the number of inputs or any
    ///   buffer's length differs from the traced shapes.
    public func evaluate(_ inputs: [UnsafeBufferPointer<Double>], into output: UnsafeMutableBufferPointer<Double>,
                         using workspace: Workspace) throws {
        guard inputs.count == inputShapes.count else {
            throw AutodiffError.argumentCount(expected: inputShapes.count, got: inputs.count)
        }
        for (k, input) in inputs.enumerated() { try workspace.bind(input: k, to: input) }
        try workspace.run(into: output)
    }

    /// `g(x)` for a function of one input, replayed into `output`.
    /// - Throws: as `evaluate(_:into:using:)`.
    public func evaluate(_ input: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>,
                         using workspace: Workspace) throws {
        guard inputShapes.count == 1 else { throw AutodiffError.argumentCount(expected: inputShapes.count, got: 1) }
        try workspace.bind(input: 0, to: input)
        try workspace.run(into: output)
    }

    /// `g(x, y)` for a function of two inputs, replayed into `output`.
    /// - Throws: as `evaluate(_:into:using:)`.
    public func evaluate(_ first: UnsafeBufferPointer<Double>, _ second: UnsafeBufferPointer<Double>,
                         into output: UnsafeMutableBufferPointer<Double>, using workspace: Workspace) throws {
        guard inputShapes.count == 2 else { throw AutodiffError.argumentCount(expected: inputShapes.count, got: 2) }
        try workspace.bind(input: 0, to: first)
        try workspace.bind(input: 1, to: second)
        try workspace.run(into: output)
    }

    /// `g` on tensors (allocates the result; for checks and tests).
    /// - Throws: as `evaluate(_:into:using:)`.
    public func evaluate(_ inputs: [Tensor], using workspace: Workspace) throws -> Tensor {
        for (k, input) in inputs.enumerated() where k < inputShapes.count && input.shape != inputShapes[k] {
            throw AutodiffError.shapeMismatch(what: "input \(k)", expected: inputShapes[k], got: input.shape)
        }
        var result = try Tensor.zeros(outputShape)
        try withBuffers(of: inputs[...]) { buffers in
            try result.withUnsafeMutableBufferPointer { out in try evaluate(buffers, into: out, using: workspace) }
        }
        return result
    }
}

/// Calls `body` with the element buffers of all `tensors` (valid only inside `body`).
private func withBuffers(of tensors: ArraySlice<Tensor>, _ prefix: [UnsafeBufferPointer<Double>] = [],
                         _ body: ([UnsafeBufferPointer<Double>]) throws -> Void) throws {
    guard let first = tensors.first else { return try body(prefix) }
    try first.withUnsafeBufferPointer { buffer in
        try withBuffers(of: tensors.dropFirst(), prefix + [buffer], body)
    }
}

extension Tensor {
    /// The largest elementwise difference from `other` relative to 1 + |other|, as
    /// text, when it exceeds 1e-12 or the shapes differ; nil when they agree.
    func largestDifference(from other: Tensor) -> String? {
        guard shape == other.shape else { return "shape \(shape) instead of \(other.shape)" }
        var worst = 0.0
        for (a, b) in zip(scalars, other.scalars) {
            if a == b || (a.isNaN && b.isNaN) { continue }
            let difference = Swift.abs(a - b) / (1 + Swift.abs(b))
            if !(difference <= worst) { worst = difference.isNaN ? .infinity : difference }
        }
        return worst > 1e-12 ? "\(worst) (relative)" : nil
    }
}
