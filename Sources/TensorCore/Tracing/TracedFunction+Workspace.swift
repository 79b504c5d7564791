// SPDX-License-Identifier: GPL-3.0-or-later

extension TracedFunction {
    /// The buffers one replay needs: an arena for constants and intermediate
    /// values, and each kernel's operand pointers, resolved once. Binding the
    /// inputs rewrites only the operand slots that point at an input.
    /// Not thread-safe: one workspace per thread.
    public final class Workspace {
        let function: TracedFunction
        private let arena: UnsafeMutablePointer<Double>
        /// The operand pointers of all steps, step after step.
        private let operandTable: UnsafeMutablePointer<UnsafePointer<Double>>
        private let operandTableCount: Int
        /// Where each step's operands start in `operandTable`.
        private let operandStarts: [Int]
        /// For each input, the operand slots that read it.
        private let inputSlots: [[Int]]
        private var outputSource: UnsafePointer<Double>?
        private var boundInputs: [UnsafePointer<Double>?]

        init(function: TracedFunction) {
            self.function = function
            // Cache-line aligned, as are the slots within it (the vector kernels load 64 bytes at a time).
            let capacity = Swift.max(function.arenaCount, 1)
            let arena = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Double>.stride, alignment: 64)
                .initializeMemory(as: Double.self, repeating: 0, count: capacity)
            for (offset, value) in function.constants {
                value.withUnsafeBufferPointer { buffer in
                    if let base = buffer.baseAddress { (arena + offset).update(from: base, count: buffer.count) }
                }
            }
            self.arena = arena
            var starts: [Int] = []
            var slots = [[Int]](repeating: [], count: function.inputShapes.count)
            var total = 0
            for step in function.steps {
                starts.append(total)
                for (k, operand) in step.operands.enumerated() {
                    if case .input(let input) = operand { slots[input].append(total + k) }
                }
                total += step.operands.count
            }
            operandStarts = starts
            inputSlots = slots
            operandTableCount = Swift.max(total, 1)
            let operandTable = UnsafeMutablePointer<UnsafePointer<Double>>.allocate(capacity: operandTableCount)
            operandTable.initialize(repeating: UnsafePointer(arena), count: operandTableCount)
            self.operandTable = operandTable
            for (step, start) in zip(function.steps, starts) {
                for (k, operand) in step.operands.enumerated() {
                    if case .arena(let offset) = operand { operandTable[start + k] = UnsafePointer(arena + offset) }
                }
            }
            if case .arena(let offset) = function.output { outputSource = UnsafePointer(arena + offset) }
            boundInputs = [UnsafePointer<Double>?](repeating: nil, count: function.inputShapes.count)
        }

        deinit {
            arena.deallocate()
            operandTable.deallocate()
        }

        /// Points every operand that reads input `k` at `buffer` (valid until the next `run`).
        func bind(input k: Int, to buffer: UnsafeBufferPointer<Double>, expected shape: [Int]) throws {
            let count = shape.reduce(1, *)
            guard buffer.count == count else {
                throw AutodiffError.shapeMismatch(what: "input \(k) (\(buffer.count) values)", expected: shape, got: [buffer.count])
            }
            guard let base = buffer.baseAddress ?? (count == 0 ? UnsafePointer(arena) : nil) else { return }
            for slot in inputSlots[k] { operandTable[slot] = base }
            boundInputs[k] = base
        }

        /// Runs every step and copies the result into `output`.
        func run(into output: UnsafeMutableBufferPointer<Double>, shape: [Int]) throws {
            let count = shape.reduce(1, *)
            guard output.count == count else {
                throw AutodiffError.shapeMismatch(what: "output (\(output.count) values)", expected: shape, got: [output.count])
            }
            function.steps.withUnsafeBufferPointer { steps in
                for (index, step) in steps.enumerated() {
                    step.kernel.run(operandTable + operandStarts[index], arena + step.outputOffset)
                }
            }
            guard count > 0, let destination = output.baseAddress else { return }
            switch function.output {
            case .arena:
                if let outputSource { destination.update(from: outputSource, count: count) }
            case .input(let k):
                if let source = boundInputs[k] { destination.update(from: source, count: count) }
            }
        }
    }
}
