// SPDX-License-Identifier: GPL-3.0-or-later

/// One run of a function on a tracing tape, in the form `TracedFunction` compiles
/// and compares: per tape node its tracked inputs, its shape and its traced
/// operation (nil for the input leaves).
struct Trace {
    let inputs: [[Int]]
    let shapes: [[Int]]
    let operations: [TracedOperation?]
    /// The function's value at the sample, and its tape node (nil: a constant).
    let result: Tensor
    let resultIndex: Int?

    /// Runs `body` on `samples` recorded on a fresh tracing tape.
    init(inputs samples: [Tensor], _ body: ([Variable]) throws -> Variable) throws {
        let tape = Tape(tracing: ())
        let leaves = try samples.map { try tape.variable($0) }
        let output = try body(leaves)
        if let other = output.tape, other !== tape {
            throw AutodiffError.mixedTapes(operation: "traced function (its result belongs to another differentiation)")
        }
        inputs = tape.nodes.map(\.inputs)
        shapes = tape.nodes.map(\.value.shape)
        operations = tape.trace
        result = output.value
        resultIndex = output.tape === tape ? output.index : nil
    }

    /// The nodes the result depends on that are operations, in tape order.
    var liveOperations: [Int] {
        guard let resultIndex else { return [] }
        var live = [Bool](repeating: false, count: inputs.count)
        live[resultIndex] = true
        for i in stride(from: resultIndex, through: 0, by: -1) where live[i] {
            for j in inputs[i] where j >= 0 { live[j] = true }
        }
        return (0...resultIndex).filter { live[$0] && operations[$0] != nil }
    }

    /// A description of the first difference from `other`, or nil if the two
    /// traces record the same operations on the same shapes with the same constants.
    func difference(from other: Trace) -> String? {
        guard inputs.count == other.inputs.count else {
            return "\(inputs.count) recorded values instead of \(other.inputs.count)"
        }
        guard resultIndex == other.resultIndex else { return "the result is a different value" }
        for i in inputs.indices {
            let name = operations[i]?.operation ?? "input"
            guard operations[i]?.operation == other.operations[i]?.operation, inputs[i] == other.inputs[i] else {
                return "operation \(i) is \(name) here, \(other.operations[i]?.operation ?? "input") there"
            }
            guard shapes[i] == other.shapes[i] else { return "operation \(i) (\(name)) has shape \(shapes[i]) instead of \(other.shapes[i])" }
            if let constants = operations[i]?.constants, let otherConstants = other.operations[i]?.constants {
                for (k, (a, b)) in zip(constants, otherConstants).enumerated() where a != b {
                    return "constant operand \(k) of operation \(i) (\(name)) depends on the inputs or on something outside them"
                }
            }
        }
        if resultIndex == nil && result != other.result { return "the constant result differs" }
        return nil
    }
}
